package server

import "net/http"

// PublicHandler returns the public site's whole handler chain, for
// benchmarks that serve it in process.
func PublicHandler(s *Server) http.Handler { return s.public.Handler }
