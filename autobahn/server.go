package autobahn

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// ServerOptions configures [NewServer]. The zero value serves every case
// and writes no reports.
type ServerOptions struct {
	// Cases and Exclude are case patterns (see [MatchCase]); empty Cases
	// means all. N in /runCase is the position in this selection.
	Cases, Exclude []string

	// ExcludeAgentCases maps agent patterns to case patterns (both
	// anchored at both ends). An excluded case still connects; F closes
	// at once and records nothing.
	ExcludeAgentCases map[string][]string

	// OutDir is where /updateReports writes the report tree. Empty means
	// /updateReports writes nothing.
	OutDir string

	// Progress, when set, is called after each case.
	Progress func(r Result)
}

// Server is the fuzzing server: it listens for a client under test that
// drives the run through the URL protocol of catalogue §1.9. Start it,
// point the client at [Server.URL], and read [Server.Results] when the
// client is done (or wait for [Server.Done], which closes on /stopServer
// and on /updateReports with shutdownOnComplete).
type Server struct {
	opts  ServerOptions
	cases []*Case

	ln       net.Listener
	wg       sync.WaitGroup
	mu       sync.Mutex
	cond     *sync.Cond
	conns    map[net.Conn]bool
	running  int                          // /runCase connections being served
	results  map[string]map[string]Result // agent -> id -> result
	order    []Result
	closed   bool
	done     chan struct{}
	doneOnce sync.Once
}

// NewServer returns a server for the selected cases. It returns an error
// wrapping [ErrNoCases] when the patterns select nothing.
func NewServer(opts *ServerOptions) (*Server, error) {
	s := &Server{conns: map[net.Conn]bool{}, results: map[string]map[string]Result{}, done: make(chan struct{})}
	if opts != nil {
		s.opts = *opts
	}
	cases, err := Select(s.opts.Cases, s.opts.Exclude)
	if err != nil {
		return nil, err
	}
	s.cases = cases
	s.cond = sync.NewCond(&s.mu)
	return s, nil
}

// CaseCount returns the number of selected cases, what /getCaseCount
// answers.
func (s *Server) CaseCount() int { return len(s.cases) }

// Start listens on addr ("127.0.0.1:0" picks a free port) and serves in
// the background.
func (s *Server) Start(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("autobahn: listen: %w", err)
	}
	s.ln = ln
	s.wg.Add(1)
	go s.acceptLoop()
	return nil
}

// URL returns the ws:// URL the server listens on.
func (s *Server) URL() string { return "ws://" + s.ln.Addr().String() }

// Done is closed when a client asks the server to stop (/stopServer, or
// /updateReports with shutdownOnComplete).
func (s *Server) Done() <-chan struct{} { return s.done }

// Close stops listening, drops open connections and waits for every
// connection goroutine to end.
func (s *Server) Close() error {
	s.mu.Lock()
	s.closed = true
	for c := range s.conns {
		_ = c.Close()
	}
	s.cond.Broadcast()
	s.mu.Unlock()
	err := s.ln.Close()
	s.wg.Wait()
	return err
}

// Results returns every result so far, sorted by agent and then case
// order.
func (s *Server) Results() []Result {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := append([]Result(nil), s.order...)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Agent != out[j].Agent {
			return out[i].Agent < out[j].Agent
		}
		return CaseByID(out[i].ID).N < CaseByID(out[j].ID).N
	})
	return out
}

func (s *Server) acceptLoop() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			_ = c.Close()
			return
		}
		s.conns[c] = true
		s.wg.Add(1)
		s.mu.Unlock()
		go func() {
			defer s.wg.Done()
			s.serve(c)
			s.mu.Lock()
			delete(s.conns, c)
			s.mu.Unlock()
			_ = c.Close()
		}()
	}
}

// errBadQuery marks a query that the original suite answers with HTTP 500.
var errBadQuery = errors.New("bad query")

// query returns the single value of parameter k; a duplicate is an error,
// a missing one "" and false.
func query(q url.Values, k string) (string, bool, error) {
	vs := q[k]
	switch len(vs) {
	case 0:
		return "", false, nil
	case 1:
		return vs[0], true, nil
	}
	return "", false, fmt.Errorf("%w: parameter %s given %d times", errBadQuery, k, len(vs))
}

// caseParam resolves case=N or casetuple=id.
func (s *Server) caseParam(q url.Values) (*Case, int, error) {
	n, hasN, err := query(q, "case")
	if err != nil {
		return nil, 0, err
	}
	tuple, hasT, err := query(q, "casetuple")
	if err != nil {
		return nil, 0, err
	}
	switch {
	case hasN:
		i, err := strconv.Atoi(n)
		if err != nil || i < 1 || i > len(s.cases) {
			return nil, 0, fmt.Errorf("%w: unknown case %q", errBadQuery, n)
		}
		return s.cases[i-1], i, nil
	case hasT:
		for i, c := range s.cases {
			if c.ID == tuple {
				return c, i + 1, nil
			}
		}
		return nil, 0, fmt.Errorf("%w: unknown case %q", errBadQuery, tuple)
	}
	return nil, 0, fmt.Errorf("%w: missing case", errBadQuery)
}

// agentParam returns the required agent parameter.
func agentParam(q url.Values) (string, error) {
	a, ok, err := query(q, "agent")
	if err == nil && !ok {
		err = fmt.Errorf("%w: missing agent", errBadQuery)
	}
	return a, err
}

// serve handles one connection: the opening handshake, then the function
// its path selects.
func (s *Server) serve(conn net.Conn) {
	started := time.Now()
	rx := newCountingReader(conn)
	br := bufio.NewReaderSize(rx, 64<<10)
	_ = conn.SetDeadline(time.Now().Add(OpenHandshakeTimeout))
	sr, err := readServerRequest(br)
	if err != nil {
		if sr != nil {
			_, _ = conn.Write(errorResponse(http.StatusBadRequest, err.Error()))
		}
		return
	}
	reject := func(status int, err error) { _, _ = conn.Write(errorResponse(status, err.Error())) }
	accept := func(ext string) (string, bool) {
		resp := serverResponse(sr, ext)
		_ = conn.SetDeadline(time.Time{})
		_, err := conn.Write(resp)
		return string(resp), err == nil
	}
	q := sr.req.URL.Query()
	switch sr.req.URL.Path {
	case "/getCaseCount":
		if _, ok := accept(""); ok {
			s.utility(conn, br, strconv.Itoa(len(s.cases)))
		}
	case "/getCaseInfo":
		c, _, err := s.caseParam(q)
		if err != nil {
			reject(http.StatusInternalServerError, err)
			return
		}
		if _, ok := accept(""); ok {
			s.utility(conn, br, fmt.Sprintf(`{"id": %s, "description": %s}`, jsonString(c.ID), jsonString(shortDescription(c.Description))))
		}
	case "/getCaseStatus":
		c, _, err := s.caseParam(q)
		agent, aerr := agentParam(q)
		if err = errors.Join(err, aerr); err != nil {
			reject(http.StatusInternalServerError, err)
			return
		}
		if _, ok := accept(""); !ok {
			return
		}
		if r, ok := s.waitResult(agent, c.ID); ok {
			s.utility(conn, br, fmt.Sprintf(`{"behavior": %s}`, jsonString(r.Behavior)))
		}
	case "/updateReports":
		agent, err := agentParam(q)
		if err != nil {
			reject(http.StatusInternalServerError, err)
			return
		}
		_ = agent // any value will do; every agent's results are written
		shutdown, _, _ := query(q, "shutdownOnComplete")
		if _, ok := accept(""); !ok {
			return
		}
		// A client may ask as soon as its side of the last case is
		// closed, before this side has finished judging it.
		s.waitIdle()
		if s.opts.OutDir != "" {
			_ = WriteReports(s.opts.OutDir, s.Results())
		}
		s.utility(conn, br)
		if shutdown == "true" || shutdown == "yes" {
			s.stop()
		}
	case "/stopServer":
		if _, ok := accept(""); ok {
			s.utility(conn, br)
		}
		s.stop()
	case "/runCase":
		c, n, err := s.caseParam(q)
		agent, aerr := agentParam(q)
		if err = errors.Join(err, aerr); err != nil {
			reject(http.StatusInternalServerError, err)
			return
		}
		s.caseStarted()
		defer s.caseEnded()
		s.runCase(conn, br, rx, sr, c, n, agent, started)
	default:
		reject(http.StatusNotFound, fmt.Errorf("unknown path %s", sr.req.URL.Path))
	}
}

// runCase answers the upgrade of /runCase (negotiating permessage-deflate
// for 12.x and 13.x) and runs the case.
func (s *Server) runCase(conn net.Conn, br *bufio.Reader, rx *countingReader, sr *serverRequest, c *Case, n int, agent string, started time.Time) {
	var pmd *pmdSetup
	if dl, ok := c.logic.(deflateLogic); ok {
		var err error
		pmd, err = serverAccept(sr.req.Header.Values(hdrExtensions), dl.policies())
		if err != nil {
			_, _ = conn.Write(errorResponse(http.StatusBadRequest, err.Error()))
			s.addResult(failedResult(c, agent, n, true, started, err.Error(), sr.head, ""))
			return
		}
	}
	ext := ""
	if pmd != nil {
		ext = pmd.response
	}
	resp := serverResponse(sr, ext)
	_ = conn.SetDeadline(time.Time{})
	if _, err := conn.Write(resp); err != nil {
		s.addResult(failedResult(c, agent, n, true, started, err.Error(), sr.head, string(resp)))
		return
	}
	if excludedForAgent(s.opts.ExcludeAgentCases, agent, c.ID) {
		closeAndWait(conn, br, false)
		return
	}
	sess := newSession(c, conn, br, rx, true, pmd)
	sess.run()
	s.addResult(sess.result(agent, n, sr.head, string(resp)))
}

// addResult stores a result and wakes /getCaseStatus waiters.
func (s *Server) addResult(r Result) {
	s.mu.Lock()
	if s.results[r.Agent] == nil {
		s.results[r.Agent] = map[string]Result{}
	}
	if _, again := s.results[r.Agent][r.ID]; again {
		for i := range s.order {
			if s.order[i].Agent == r.Agent && s.order[i].ID == r.ID {
				s.order = append(s.order[:i], s.order[i+1:]...)
				break
			}
		}
	}
	s.results[r.Agent][r.ID] = r
	s.order = append(s.order, r)
	s.cond.Broadcast()
	s.mu.Unlock()
	if s.opts.Progress != nil {
		s.opts.Progress(r)
	}
}

// waitResult waits until (agent, id) has a result or the server closes.
func (s *Server) waitResult(agent, id string) (Result, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for !s.closed {
		if r, ok := s.results[agent][id]; ok {
			return r, true
		}
		s.cond.Wait()
	}
	return Result{}, false
}

// caseStarted and caseEnded count the /runCase connections being served.
func (s *Server) caseStarted() {
	s.mu.Lock()
	s.running++
	s.mu.Unlock()
}

func (s *Server) caseEnded() {
	s.mu.Lock()
	s.running--
	s.cond.Broadcast()
	s.mu.Unlock()
}

// waitIdle waits until no case is being served or the server closes, so
// that every case run so far has its result.
func (s *Server) waitIdle() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for s.running > 0 && !s.closed {
		s.cond.Wait()
	}
}

// stop closes Done once.
func (s *Server) stop() { s.doneOnce.Do(func() { close(s.done) }) }

// utility sends optional text messages and an empty CLOSE, waits for the
// client's answer and drops TCP.
func (s *Server) utility(conn net.Conn, br *bufio.Reader, texts ...string) {
	for _, t := range texts {
		if sendUtility(conn, false, Frame{Fin: true, Opcode: OpText, Payload: []byte(t)}) != nil {
			return
		}
	}
	closeAndWait(conn, br, false)
}

// shortDescription is the description up to its first "<", whitespace
// collapsed, as /getCaseInfo answers.
func shortDescription(d string) string {
	d, _, _ = strings.Cut(d, "<")
	return strings.Join(strings.Fields(d), " ")
}

// jsonString quotes s as a JSON string.
func jsonString(s string) string {
	b, _ := json.Marshal(s) // a string always marshals
	return string(b)
}
