package deflate

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// The benchmark and test corpus: realistic WebSocket payloads, generated
// deterministically from a fixed seed so that every run sees the same
// bytes. Three kinds: JSON API events, English chat lines and server log
// lines.

var corpusKinds = []string{"json", "chat", "logs"}

var words = strings.Fields(`the of and to a in is you that it he was for on are as with his they
I at be this have from or one had by word but not what all were we when your can said there use an
each which she do how their if will up other about out many then them these so some her would make
like him into time has look two more write go see number no way could people my than first water been
call who oil its now find long down day did get come made may part over new sound take only little
work know place year live me back give most very after thing our just name good sentence man think say
great where help through much before line right too mean old any same tell boy follow came want show
also around form three small set put end does another well large must big even such because turn here
why ask went men read need land different home us move try kind hand picture again change off play
spell air away animal house point page letter mother answer found study still learn should world deploy
release build server client message latency cache request bug fix merge review meeting lunch tomorrow
today yesterday weekend coffee ticket sprint dashboard metrics alert on-call incident rollback`)

var (
	firstNames = strings.Fields("alice bob carol dave erin frank grace heidi ivan judy mallory niaj olivia peggy rupert sybil trent victor walter yolanda")
	channels   = strings.Fields("general random engineering ops design sales support announcements dev-null music")
	events     = strings.Fields("message.created message.updated message.deleted user.joined user.left typing.started presence.changed reaction.added")
	methods    = strings.Fields("GET GET GET GET POST POST PUT DELETE PATCH")
	paths      = strings.Fields("/api/v1/users /api/v1/messages /api/v1/channels /api/v2/search /static/app.js /static/style.css /healthz /api/v1/sessions /ws")
	levels     = strings.Fields("INFO INFO INFO INFO INFO DEBUG DEBUG WARN ERROR")
	agents     = []string{
		"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36",
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
		"curl/8.5.0",
		"Go-http-client/1.1",
	}
)

// zipfWord picks a word, common words far more often (Zipf s=1.1).
func zipfWord(z *rand.Zipf) string { return words[z.Uint64()] }

func sentence(r *rand.Rand, z *rand.Zipf) string {
	n := 3 + r.IntN(14)
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(zipfWord(z))
	}
	switch r.IntN(5) {
	case 0:
		b.WriteByte('?')
	case 1:
		b.WriteByte('!')
	default:
		b.WriteByte('.')
	}
	return b.String()
}

func pick(r *rand.Rand, s []string) string { return s[r.IntN(len(s))] }

func timestamp(r *rand.Rand, t *int64) string {
	*t += int64(r.IntN(2000))
	ms := *t
	return fmt.Sprintf("2025-11-%02dT%02d:%02d:%02d.%03dZ", 1+ms/86400000%28, ms/3600000%24, ms/60000%60, ms/1000%60, ms%1000)
}

// record returns one JSON event, chat line or log line.
func record(kind string, r *rand.Rand, z *rand.Zipf, t *int64) string {
	switch kind {
	case "json":
		user := pick(r, firstNames)
		return fmt.Sprintf(`{"id":%d,"event":%q,"ts":%q,"channel":%q,"user":{"id":%d,"name":%q,"email":"%s@example.com","roles":["member"%s]},"payload":{"text":%q,"mentions":[%s],"attachments":[]},"score":%.4f,"seq":%d}`,
			1000000+r.IntN(9000000), pick(r, events), timestamp(r, t), pick(r, channels),
			r.IntN(5000), user, user, map[bool]string{true: `,"admin"`, false: ""}[r.IntN(8) == 0],
			sentence(r, z), map[bool]string{true: `"` + pick(r, firstNames) + `"`, false: ""}[r.IntN(3) == 0],
			r.Float64(), r.IntN(1<<20)) + "\n"
	case "chat":
		return pick(r, firstNames) + ": " + sentence(r, z) + " " + map[bool]string{true: sentence(r, z) + " ", false: ""}[r.IntN(2) == 0] + "\n"
	case "logs":
		return fmt.Sprintf("%s %-5s [http] 10.%d.%d.%d \"%s %s%s?page=%d HTTP/1.1\" %d %d %.1fms %q req_id=%016x\n",
			timestamp(r, t), pick(r, levels), r.IntN(4), r.IntN(256), r.IntN(256), pick(r, methods),
			pick(r, paths), map[bool]string{true: fmt.Sprintf("/%d", r.IntN(100000)), false: ""}[r.IntN(2) == 0],
			r.IntN(20), []int{200, 200, 200, 200, 201, 204, 304, 400, 404, 500}[r.IntN(10)], r.IntN(50000),
			r.Float64()*200, pick(r, agents), r.Uint64())
	}
	panic("unknown corpus kind " + kind)
}

// corpusMessages returns n messages of exactly size bytes of the given
// kind, each starting at a record boundary. The same arguments always
// give the same bytes.
func corpusMessages(kind string, size, n int) [][]byte {
	r := rand.New(rand.NewPCG(uint64(len(kind)), uint64(size)))
	z := rand.NewZipf(r, 1.1, 2, uint64(len(words)-1))
	t := int64(1e9)
	msgs := make([][]byte, n)
	for i := range msgs {
		var b []byte
		for len(b) < size {
			b = append(b, record(kind, r, z, &t)...)
		}
		msgs[i] = b[:size]
	}
	return msgs
}
