// Package gwsecho is the echo server of github.com/lxzan/gws, through
// its event API on raw connections (the accept loop of gws.Server).
package gwsecho
