package web

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"path"

	"github.com/gofiber/fiber/v2"
)

// assets serves the embedded static files under /static/<hash>/<name>. The hash is of
// the file's content, so a URL never changes meaning and can be cached for a year.
type assets struct {
	files map[string][]byte
	hash  map[string]string
}

func loadAssets(fsys fs.FS) (*assets, error) {
	a := &assets{files: map[string][]byte{}, hash: map[string]string{}}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		a.files[p], a.hash[p] = b, hex.EncodeToString(sum[:6])
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("web: load static files: %w", err)
	}
	return a, nil
}

// URL is the template function that names a static file.
func (a *assets) URL(name string) (string, error) {
	h, ok := a.hash[name]
	if !ok {
		return "", fmt.Errorf("static file %s does not exist", name)
	}
	return "/static/" + h + "/" + name, nil
}

func (a *assets) serve(c *fiber.Ctx) error {
	name := c.Params("name")
	b, ok := a.files[name]
	if !ok || a.hash[name] != c.Params("hash") {
		return fiber.ErrNotFound
	}
	ctype := mime.TypeByExtension(path.Ext(name))
	if ctype == "" {
		ctype = "text/plain; charset=utf-8"
	}
	c.Set(fiber.HeaderContentType, ctype)
	c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	return c.Send(b)
}
