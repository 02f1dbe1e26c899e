package autobahn

import (
	"strconv"
	"strings"
	"time"
)

// Result is the outcome of one case for one agent.
type Result struct {
	Agent           string
	N               int // the report's case index (see CaseReport.Case)
	ID              string
	Behavior        string
	BehaviorClose   string
	Duration        time.Duration
	RemoteCloseCode int // -1 when the peer sent no code
	Report          *CaseReport
}

// CaseReport is the per-case JSON report, field for field the original
// suite's (catalogue §1.8), keys in sorted order.
type CaseReport struct {
	Agent                          string         `json:"agent"`
	Behavior                       string         `json:"behavior"`
	BehaviorClose                  string         `json:"behaviorClose"`
	Case                           int            `json:"case"`
	ClosedByMe                     bool           `json:"closedByMe"`
	CreateStats                    bool           `json:"createStats"`
	CreateWirelog                  bool           `json:"createWirelog"`
	Description                    string         `json:"description"`
	DroppedByMe                    bool           `json:"droppedByMe"`
	Duration                       int64          `json:"duration"`
	Expectation                    string         `json:"expectation"`
	Expected                       map[string]any `json:"expected"`
	ExpectedClose                  ExpectedCloseJ `json:"expectedClose"`
	FailedByMe                     bool           `json:"failedByMe"`
	HTTPRequest                    string         `json:"httpRequest"`
	HTTPResponse                   string         `json:"httpResponse"`
	ID                             string         `json:"id"`
	IsServer                       bool           `json:"isServer"`
	LocalCloseCode                 *int           `json:"localCloseCode"`
	LocalCloseReason               *string        `json:"localCloseReason"`
	Received                       []any          `json:"received"`
	RemoteCloseCode                *int           `json:"remoteCloseCode"`
	RemoteCloseReason              *string        `json:"remoteCloseReason"`
	ReportCompressionRatio         bool           `json:"reportCompressionRatio"`
	ReportTime                     bool           `json:"reportTime"`
	Result                         string         `json:"result"`
	ResultClose                    string         `json:"resultClose"`
	RxFrameStats                   map[string]int `json:"rxFrameStats"`
	RxOctetStats                   map[string]int `json:"rxOctetStats"`
	Started                        string         `json:"started"`
	TrafficStats                   *TrafficStats  `json:"trafficStats"`
	TxFrameStats                   map[string]int `json:"txFrameStats"`
	TxOctetStats                   map[string]int `json:"txOctetStats"`
	WasClean                       bool           `json:"wasClean"`
	WasCloseHandshakeTimeout       bool           `json:"wasCloseHandshakeTimeout"`
	WasNotCleanReason              *string        `json:"wasNotCleanReason"`
	WasOpenHandshakeTimeout        bool           `json:"wasOpenHandshakeTimeout"`
	WasServerConnectionDropTimeout bool           `json:"wasServerConnectionDropTimeout"`
	Wirelog                        [][]any        `json:"wirelog"`
}

// ExpectedCloseJ is the JSON form of [ExpectedClose].
type ExpectedCloseJ struct {
	CloseCode                    []int `json:"closeCode"`
	ClosedByMe                   bool  `json:"closedByMe"`
	ClosedByWrongEndpointIsFatal bool  `json:"closedByWrongEndpointIsFatal"`
	RequireClean                 bool  `json:"requireClean"`
}

// TrafficStats are the permessage-deflate byte counters of a 12.x or 13.x
// case: application-level (uncompressed) and wire-level (compressed
// payload) octets in each direction and their ratios.
type TrafficStats struct {
	IncomingCompressionRatio     *float64 `json:"incomingCompressionRatio"`
	IncomingOctetsAppLevel       int64    `json:"incomingOctetsAppLevel"`
	IncomingOctetsWebSocketLevel int64    `json:"incomingOctetsWebSocketLevel"`
	OutgoingCompressionRatio     *float64 `json:"outgoingCompressionRatio"`
	OutgoingOctetsAppLevel       int64    `json:"outgoingOctetsAppLevel"`
	OutgoingOctetsWebSocketLevel int64    `json:"outgoingOctetsWebSocketLevel"`
}

// renderEvents renders events as the reports do.
func renderEvents(evs []Event) []any {
	out := make([]any, 0, len(evs))
	for _, e := range evs {
		switch e.Kind {
		case KindMessage:
			out = append(out, []any{e.Kind, excerpt(e.Payload), e.Binary})
		case KindPong:
			out = append(out, []any{e.Kind, excerpt(e.Payload)})
		default:
			out = append(out, []any{e.Kind, e.Tag})
		}
	}
	return out
}

// statsJSON turns a count map into the report's string-keyed form.
func statsJSON(m map[int]int) map[string]int {
	out := make(map[string]int, len(m))
	for k, v := range m {
		out[strconv.Itoa(k)] = v
	}
	return out
}

// ptr returns a pointer to v.
func ptr[T any](v T) *T { return &v }

// reportTimeFormat is the UTC timestamp format of "started".
const reportTimeFormat = "2006-01-02T15:04:05.000Z"

// ReportFile returns the per-case report file name of catalogue §1.8:
// agent lowercased, every character outside [a-z0-9] a space, trimmed,
// spaces to underscores, then "_case_", the id with dots as underscores
// and ".json".
func ReportFile(agent, id string) string {
	b := []byte(strings.ToLower(agent))
	for i, c := range b {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') {
			b[i] = ' '
		}
	}
	name := strings.ReplaceAll(strings.TrimSpace(string(b)), " ", "_")
	return name + "_case_" + strings.ReplaceAll(id, ".", "_") + ".json"
}

// msRound rounds d to whole milliseconds.
func msRound(d time.Duration) int64 { return int64((d + time.Millisecond/2) / time.Millisecond) }

// result builds the Result and its report once the session has ended.
func (s *session) result(agent string, n int, httpReq, httpResp string) Result {
	c := s.c
	st := closeState{
		handshakeOK: true, isServer: s.isServer,
		closedByMe: s.closedByMe, droppedByMe: s.droppedByMe, clean: s.wasClean,
		remoteCloseCode: s.remoteCloseCode,
		txText:          s.txFrames[int(OpText)], txCont: s.txFrames[int(OpContinuation)],
	}
	behavior, behaviorClose := judge(c, s.received, s.behavior, st)
	dur := s.ended.Sub(s.started)
	rxOctets, _ := s.rx.snapshot()
	rep := &CaseReport{
		Agent: agent, Behavior: behavior, BehaviorClose: behaviorClose, Case: n,
		ClosedByMe: s.closedByMe, CreateStats: true, CreateWirelog: true,
		Description: c.Description, DroppedByMe: s.droppedByMe, Duration: msRound(dur),
		Expectation: c.Expectation, Expected: expectedJSON(c), ExpectedClose: expectedCloseJSON(c),
		FailedByMe: s.failedByMe, HTTPRequest: httpReq, HTTPResponse: httpResp, ID: c.ID,
		IsServer: s.isServer, Received: renderEvents(s.received),
		ReportCompressionRatio: s.c.isDeflate(), ReportTime: c.logic != nil,
		Result: resultText(behavior), ResultClose: resultCloseText(behaviorClose),
		RxFrameStats: statsJSON(s.rxFrames), RxOctetStats: statsJSON(rxOctets),
		Started:      s.started.UTC().Format(reportTimeFormat),
		TxFrameStats: statsJSON(s.txFrames), TxOctetStats: statsJSON(s.w.octets),
		WasClean: s.wasClean, WasCloseHandshakeTimeout: s.wasCloseHandshakeTimeout,
		WasOpenHandshakeTimeout: s.wasOpenHandshakeTimeout, WasServerConnectionDropTimeout: s.wasServerConnectionDropTimeout,
		Wirelog: s.log.entries(),
	}
	if s.localCloseCode >= 0 {
		rep.LocalCloseCode, rep.LocalCloseReason = ptr(s.localCloseCode), ptr(s.localCloseReason)
	}
	if s.remoteCloseCode >= 0 {
		rep.RemoteCloseCode, rep.RemoteCloseReason = ptr(s.remoteCloseCode), ptr(s.remoteCloseReason)
	}
	if !s.wasClean && s.wasNotCleanReason != "" {
		rep.WasNotCleanReason = ptr(s.wasNotCleanReason)
	}
	if s.pmd != nil {
		rep.TrafficStats = s.traffic.json()
	}
	return Result{Agent: agent, N: n, ID: c.ID, Behavior: behavior, BehaviorClose: behaviorClose,
		Duration: dur, RemoteCloseCode: s.remoteCloseCode, Report: rep}
}

// json renders the deflate counters.
func (t trafficCounters) json() *TrafficStats {
	ts := &TrafficStats{IncomingOctetsAppLevel: t.inApp, IncomingOctetsWebSocketLevel: t.inWire,
		OutgoingOctetsAppLevel: t.outApp, OutgoingOctetsWebSocketLevel: t.outWire}
	if t.inApp > 0 {
		ts.IncomingCompressionRatio = ptr(float64(t.inWire) / float64(t.inApp))
	}
	if t.outApp > 0 {
		ts.OutgoingCompressionRatio = ptr(float64(t.outWire) / float64(t.outApp))
	}
	return ts
}

// isDeflate reports whether c belongs to section 12 or 13.
func (c *Case) isDeflate() bool {
	_, ok := c.logic.(deflateLogic)
	return ok
}

// expectedJSON renders a case's expected outcomes.
func expectedJSON(c *Case) map[string]any {
	out := map[string]any{}
	for _, o := range c.Expected {
		out[o.Name] = renderEvents(o.Events)
	}
	return out
}

// expectedCloseJSON renders a case's close expectation.
func expectedCloseJSON(c *Case) ExpectedCloseJ {
	codes := c.Close.CloseCode
	if codes == nil {
		codes = []int{}
	}
	return ExpectedCloseJ{CloseCode: codes, ClosedByMe: c.Close.ClosedByMe,
		ClosedByWrongEndpointIsFatal: c.Close.ClosedByWrongEndpointIsFatal, RequireClean: c.Close.RequireClean}
}

// failedResult is the result of a case whose opening handshake failed.
func failedResult(c *Case, agent string, n int, isServer bool, started time.Time, reason, httpReq, httpResp string) Result {
	dur := time.Since(started)
	rep := &CaseReport{
		Agent: agent, Behavior: Failed, BehaviorClose: Failed, Case: n, CreateStats: true, CreateWirelog: true,
		Description: c.Description, Duration: msRound(dur), Expectation: c.Expectation,
		Expected: expectedJSON(c), ExpectedClose: expectedCloseJSON(c), HTTPRequest: httpReq, HTTPResponse: httpResp,
		ID: c.ID, IsServer: isServer, Received: []any{}, Result: resultText(Failed), ResultClose: resultCloseText(Failed),
		RxFrameStats: map[string]int{}, RxOctetStats: map[string]int{}, Started: started.UTC().Format(reportTimeFormat),
		TxFrameStats: map[string]int{}, TxOctetStats: map[string]int{}, WasNotCleanReason: ptr(reason),
		WasOpenHandshakeTimeout: strings.Contains(reason, "timeout"), Wirelog: [][]any{},
	}
	return Result{Agent: agent, N: n, ID: c.ID, Behavior: Failed, BehaviorClose: Failed,
		Duration: dur, RemoteCloseCode: -1, Report: rep}
}
