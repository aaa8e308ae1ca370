// Package app holds Inkan below its entry point, in rooms that show the architecture:
//
//   - run: the composition root (commands, settings, the server built from them)
//   - web: the HTTP layer, the only code besides run that knows fiber
//   - domain: the business rules (accounts, companies, certificates, contracts, mail)
//   - trust: the signing stack (PDF, CMS, timestamps, the CA, PAdES), which knows
//     nothing of Inkan outside itself
//   - locale: Japanese text and conventions (catalogs, kana, dates, spreadsheets)
//   - testkit: helpers that only tests import
//
// Records live in ../data, search in ../search, scheduled work in ../jobs. The rules of
// which room may import which are checked by architecture_test.go.
package app
