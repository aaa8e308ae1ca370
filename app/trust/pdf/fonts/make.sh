#!/bin/sh
# Remakes NotoSansJP-Medium-JIS.ttf, the font whose outlines draw the text of
# visible signatures (see ../seal.go). The output is committed; rerun only to
# change it.
#
# Source: Noto Sans JP Medium (Google Fonts v56, SIL Open Font License 1.1,
# OFL.txt beside this file) as the npm package @expo-google-fonts/noto-sans-jp
# ships it. The full font (5.4 MB, 17 000 glyphs) is cut down to what Japanese
# company and person names and dates use: every character of JIS X 0208
# (levels 1 and 2, as EUC-JP decodes it), the NEC and IBM extensions of
# Windows-31J (①, ㈱, 髙, 﨑 …, as cp932 decodes them), ASCII and half-width
# katakana. Hinting and OpenType layout tables are dropped: the glyphs are
# drawn as paths, never rasterised by a font engine.
#
# Requires: npm, python3, pyftsubset (Debian: fonttools).
set -eu
cd "$(dirname "$0")"
version=0.4.3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "@expo-google-fonts/noto-sans-jp@$version" >/dev/null && tar xzf ./*.tgz)
python3 - "$tmp/chars.txt" <<'PY'
import sys
chars = {chr(c) for c in range(0x20, 0x7f)}
chars |= {bytes([c]).decode("cp932") for c in range(0xa1, 0xe0)}
for lead in range(0x81, 0x100):
    for trail in range(0x40, 0x100):
        for codec in ("cp932", "euc_jp"):
            try:
                s = bytes([lead, trail]).decode(codec)
            except UnicodeDecodeError:
                continue
            # cp932's user-defined area decodes to the Private Use Area.
            if len(s) == 1 and not 0xe000 <= ord(s) <= 0xf8ff:
                chars.add(s)
open(sys.argv[1], "w", encoding="utf-8").write("".join(sorted(chars)))
PY
pyftsubset "$tmp/package/500Medium/NotoSansJP_500Medium.ttf" --text-file="$tmp/chars.txt" \
	--no-hinting --layout-features='' --name-IDs='*' --output-file=NotoSansJP-Medium-JIS.ttf
cp "$tmp/package/LICENSE_FONT" OFL.txt
ls -l NotoSansJP-Medium-JIS.ttf
