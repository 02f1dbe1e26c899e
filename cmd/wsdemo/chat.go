package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/wirefast/websocket"
)

// Limits of the chat's names.
const (
	maxNick = 24 // characters
	maxRoom = 32 // characters
)

// defaultRoom is the room of a /ws/chat request without one.
const defaultRoom = "lobby"

// serveChat serves /ws/chat?room=R&nick=N: after checking the room and
// nick (400 when they are bad), it upgrades and runs chat.
func (s *server) serveChat(w http.ResponseWriter, r *http.Request) {
	room, nick, err := chatParams(r.URL.Query())
	if err != nil {
		http.Error(w, "wsdemo: "+err.Error(), http.StatusBadRequest)
		return
	}
	s.accept(w, r, "chat", chatReadLimit, func(ctx context.Context, sess *session) error {
		return s.chat(ctx, sess, room, nick)
	})
}

// chatParams checks the room and nick of a chat request.
func chatParams(q url.Values) (room, nick string, err error) {
	room, nick = q.Get("room"), strings.TrimSpace(q.Get("nick"))
	if room == "" {
		room = defaultRoom
	}
	if n := utf8.RuneCountInString(room); n > maxRoom || strings.ContainsFunc(room, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_')
	}) {
		return "", "", fmt.Errorf("room must be 1 to %d letters, digits, - or _", maxRoom)
	}
	switch n := utf8.RuneCountInString(nick); {
	case nick == "":
		return "", "", errors.New("nick is required")
	case n > maxNick:
		return "", "", fmt.Errorf("nick is %d characters long, the limit is %d", n, maxNick)
	case !utf8.ValidString(nick) || strings.ContainsFunc(nick, unicode.IsControl):
		return "", "", errors.New("nick must be printable text")
	}
	return room, nick, nil
}

// chat runs one member of a chat room: its join and leave are announced
// to the room with the list of members, and every text message it sends
// goes to everyone in the room (itself included) as
// {"type":"message","nick":…,"text":…,"time":…}. Messages that break a
// limit are refused with {"type":"error","error":…} to the sender alone.
func (s *server) chat(ctx context.Context, sess *session, room, nick string) error {
	topic := chatTopic(room)
	p := newPeer(sess, s.cfg.queueLen)
	p.nick = nick
	stop := p.startWriter(ctx)
	defer stop()
	s.hub.add(topic, p)
	defer s.hub.remove(topic, p)

	join := mustJSON(chatNotice{Type: "join", Nick: nick, Time: isoTime(time.Now())})
	if err := s.bus.Join(ctx, topic, p.id, nick, join); err != nil {
		sess.log.Error("chat: join", "room", room, "err", err)
		return sess.close(websocket.CloseInternalError, "room unavailable")
	}
	defer func() {
		s.leave(sess, topic, mustJSON(chatNotice{Type: "leave", Nick: nick, Time: isoTime(time.Now())}))
	}()

	limit := newBucket(s.cfg.chatRate, s.cfg.chatBurst, time.Now())
	for {
		typ, msg, err := sess.conn.Read(ctx)
		if err != nil {
			return err
		}
		sess.m.received(len(msg))
		text := strings.TrimSpace(string(msg))
		var refusal string
		switch n := utf8.RuneCountInString(text); {
		case typ != websocket.MessageText:
			refusal = "send chat messages as text"
		case text == "":
			refusal = "empty message"
		case n > s.cfg.chatMaxText:
			refusal = fmt.Sprintf("message too long: %d characters, the limit is %d", n, s.cfg.chatMaxText)
		case !limit.allow(time.Now()):
			refusal = fmt.Sprintf("too many messages: the limit is %g per second (%d at once); message dropped",
				s.cfg.chatRate, s.cfg.chatBurst)
		}
		if refusal != "" {
			sess.log.Info("chat: message refused", "room", room, "nick", nick, "why", refusal)
			p.sendJSON(errorEvent{Type: "error", Error: refusal})
			continue
		}
		out := mustJSON(chatMessage{Type: "message", Nick: nick, Text: text, Time: isoTime(time.Now())})
		if err := s.bus.Publish(ctx, topic, out); err != nil {
			sess.log.Error("chat: publish", "room", room, "err", err)
			p.sendJSON(errorEvent{Type: "error", Error: "message not delivered: the server could not publish it"})
		}
	}
}
