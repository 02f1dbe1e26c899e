package main

import (
	"encoding/json"
	"slices"
	"strings"
	"time"
)

// The JSON messages the server sends. Their shapes are part of the demos'
// contract with the pages (and with any other client).
type (
	// stateEvent is the counter's value, sent after each change and to a
	// newcomer: {"type":"state","value":N}.
	stateEvent struct {
		Type  string `json:"type"` // "state"
		Value int64  `json:"value"`
	}
	// usersEvent is the number of counter clients, sent whenever one joins
	// or leaves: {"type":"users","count":N}.
	usersEvent struct {
		Type  string `json:"type"` // "users"
		Count int    `json:"count"`
	}
	// roomUsersEvent is the list of a chat room's members, sorted, sent
	// whenever one joins or leaves.
	roomUsersEvent struct {
		Type  string   `json:"type"` // "users"
		Room  string   `json:"room"`
		Users []string `json:"users"`
	}
	// chatMessage is a chat message: {"type":"message","nick":…,"text":…,"time":…}.
	chatMessage struct {
		Type string `json:"type"` // "message"
		Nick string `json:"nick"`
		Text string `json:"text"`
		Time string `json:"time"`
	}
	// chatNotice announces that nick joined or left the room.
	chatNotice struct {
		Type string `json:"type"` // "join" or "leave"
		Nick string `json:"nick"`
		Time string `json:"time"`
	}
	// errorEvent tells one client why its message was refused.
	errorEvent struct {
		Type  string `json:"type"` // "error"
		Error string `json:"error"`
	}
	// tickEvent is one message of /ws/tick.
	tickEvent struct {
		Type string `json:"type"` // "tick"
		Seq  int64  `json:"seq"`
		Time string `json:"time"`
	}
)

// counterTopic is the topic of the counter's clients.
const counterTopic = "counter"

// chatTopicPrefix starts the topic of each chat room: "chat:ROOM".
const chatTopicPrefix = "chat:"

func chatTopic(room string) string { return chatTopicPrefix + room }

// usersJSON returns the users event of topic whose members have the
// given nicks: a count for the counter, the sorted list for a chat room.
func usersJSON(topic string, nicks []string) []byte {
	room, isChat := strings.CutPrefix(topic, chatTopicPrefix)
	if !isChat {
		return mustJSON(usersEvent{Type: "users", Count: len(nicks)})
	}
	nicks = slices.Sorted(slices.Values(nicks))
	if nicks == nil {
		nicks = []string{}
	}
	return mustJSON(roomUsersEvent{Type: "users", Room: room, Users: nicks})
}

// timeFormat is ISO 8601 in UTC with milliseconds and a Z, the format of
// every time the server sends: 2006-01-02T15:04:05.000Z.
const timeFormat = "2006-01-02T15:04:05.000Z07:00"

func isoTime(t time.Time) string { return t.UTC().Format(timeFormat) }

// mustJSON encodes one of the event types above, which cannot fail.
func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic("wsdemo: encoding an event: " + err.Error())
	}
	return b
}
