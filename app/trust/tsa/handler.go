package tsa

import (
	"errors"
	"io"
	"mime"
	"net/http"
)

// Media types of RFC 3161 §3.4.
const (
	QueryContentType = "application/timestamp-query"
	ReplyContentType = "application/timestamp-reply"
)

// maxRequestBytes bounds a TimeStampReq body. A request with a SHA-512
// imprint, a policy and a nonce is well under 200 bytes; the limit only
// keeps a client from making the server buffer large bodies.
const maxRequestBytes = 16 << 10

// Handler serves the RFC 3161 HTTP transport: POST an
// application/timestamp-query body, receive an application/timestamp-reply.
// Refused requests get a reply with status rejection and the failure bit
// (HTTP 200, as the exchange itself worked); a failure inside the TSA gets
// the same kind of reply with HTTP 500. Transport mistakes (method, media
// type, size) get plain HTTP errors since no TimeStampReq was received.
func (a *Authority) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "POST an application/timestamp-query", http.StatusMethodNotAllowed)
			return
		}
		mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if err != nil || mt != QueryContentType {
			http.Error(w, "Content-Type must be "+QueryContentType, http.StatusUnsupportedMediaType)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxRequestBytes))
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				http.Error(w, "timestamp request too large", http.StatusRequestEntityTooLarge)
				return
			}
			a.log.WarnContext(r.Context(), "tsa: read request", "remote", r.RemoteAddr, "err", err)
			http.Error(w, "cannot read request body", http.StatusBadRequest)
			return
		}
		resp, err := a.Respond(body)
		if resp == nil {
			a.log.ErrorContext(r.Context(), "tsa: encode reply", "err", err)
			http.Error(w, "internal error", http.StatusInternalServerError)
			return
		}
		status := http.StatusOK
		var refused *Error
		if errors.As(err, &refused) {
			if refused.Info == FailSystemFailure {
				status = http.StatusInternalServerError
				a.log.ErrorContext(r.Context(), "tsa: system failure", "remote", r.RemoteAddr, "err", err)
			} else {
				a.log.WarnContext(r.Context(), "tsa: request refused", "remote", r.RemoteAddr, "err", err)
			}
		}
		w.Header().Set("Content-Type", ReplyContentType)
		w.WriteHeader(status)
		if _, err := w.Write(resp); err != nil {
			a.log.WarnContext(r.Context(), "tsa: write reply", "remote", r.RemoteAddr, "err", err)
		}
	})
}
