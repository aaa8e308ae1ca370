// Package e2e holds the end-to-end tests: a real server on a loopback port and headless
// Chromium driven through the screens by their visible Japanese labels.
package e2e
