package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// Redis keys and channels of the app. Every process of one app uses the
// same Redis database; two apps need two databases (redis://host/1).
const (
	redisCounterKey = "wsdemo:counter"  // string: the counter (INCRBY)
	redisProcsKey   = "wsdemo:procs"    // sorted set: process id → liveness expiry, ms since the epoch
	redisTopicsKey  = "wsdemo:topics"   // hash: topic → "count" or "list|ROOM", topics with members
	redisMembersPfx = "wsdemo:members:" // + topic, hash: peer id → nick
	redisEventsPfx  = "wsdemo:events:"  // + topic, pub/sub channel of the topic's events
)

// Defaults of the Redis bus.
const (
	// defaultRedisTTL is how long a process counts as alive after its
	// last heartbeat; it beats every third of that. Members of a process
	// that died without leaving are removed, and the users events sent,
	// within about that time.
	defaultRedisTTL = 15 * time.Second
	// redisOpTimeout bounds each Redis call of the bus.
	redisOpTimeout = 5 * time.Second
)

// redisBus is the bus of an app made of several wsdemo processes sharing
// one Redis server.
//
// Every change runs as one Lua script: the script changes the state and
// publishes the resulting events in the same atomic step, so the events
// on a topic's channel come in the order of the changes, and every
// process, hence every client, sees them in that order. (INCR and then
// PUBLISH from Go could let two processes publish 5 after 6.)
//
// A message on a channel is "TO\nJSON": TO is empty for everyone in the
// topic, or the id of the one peer it is for (a newcomer's counter
// state). Peer ids start with the process id, so they are unique across
// processes. A join first publishes "+ID\n", with no JSON: the peer's
// process admits it in its hub there, so that the peer gets the events
// from its join on and none published before it, however late this
// process receives the other processes' events (Redis hands one
// subscriber its messages in the order they were published).
//
// Who is online is a hash per topic, peer id → nick; the users count is
// its length, the sum over processes. A process that dies without
// leaving would stay counted, so each process beats a heartbeat into a
// sorted set of process expiries, and the heartbeat script removes the
// members of processes whose expiry has passed (and announces it).
type redisBus struct {
	rdb  *redis.Client
	ps   *redis.PubSub
	hub  *hub
	log  *slog.Logger
	proc string        // this process's id
	ttl  time.Duration // liveness of a heartbeat

	stop      chan struct{}
	done      sync.WaitGroup
	closeOnce sync.Once
}

// newRedisBus connects to the Redis server at rawURL
// (redis://[user:password@]host:port[/db]), subscribes to the events and
// starts the heartbeat. ttl <= 0 means defaultRedisTTL.
func newRedisBus(ctx context.Context, rawURL string, h *hub, log *slog.Logger, ttl time.Duration) (*redisBus, error) {
	opts, err := redis.ParseURL(rawURL)
	if err != nil {
		return nil, fmt.Errorf("wsdemo: -redis %q: %w", rawURL, err)
	}
	if ttl <= 0 {
		ttl = defaultRedisTTL
	}
	var id [6]byte
	_, _ = rand.Read(id[:])
	b := &redisBus{
		rdb:  redis.NewClient(opts),
		hub:  h,
		log:  log,
		proc: hex.EncodeToString(id[:]),
		ttl:  ttl,
		stop: make(chan struct{}),
	}
	ctx, cancel := context.WithTimeout(ctx, redisOpTimeout)
	defer cancel()
	if err := b.rdb.Ping(ctx).Err(); err != nil {
		b.rdb.Close()
		return nil, fmt.Errorf("wsdemo: redis at %s: %w", opts.Addr, err)
	}
	// Subscribe before serving anyone, so that no event is missed.
	b.ps = b.rdb.PSubscribe(ctx, redisEventsPfx+"*")
	if _, err := b.ps.Receive(ctx); err != nil {
		b.ps.Close()
		b.rdb.Close()
		return nil, fmt.Errorf("wsdemo: redis at %s: subscribe: %w", opts.Addr, err)
	}
	if err := b.heartbeat(ctx, false); err != nil {
		b.ps.Close()
		b.rdb.Close()
		return nil, fmt.Errorf("wsdemo: redis at %s: heartbeat: %w", opts.Addr, err)
	}
	events := b.ps.ChannelWithSubscriptions(redis.WithChannelSize(1024))
	b.done.Go(func() { b.receive(events) })
	b.done.Go(b.beat)
	log.Info("redis bus ready", "addr", opts.Addr, "db", opts.DB, "process", b.proc)
	return b, nil
}

// Process returns the id that prefixes this process's peer ids.
func (b *redisBus) Process() string { return b.proc }

// receive hands the events of every topic to the hub, in channel order,
// and resynchronizes after the subscription was lost and renewed.
func (b *redisBus) receive(events <-chan any) {
	for ev := range events {
		switch ev := ev.(type) {
		case *redis.Message:
			topic, ok := strings.CutPrefix(ev.Channel, redisEventsPfx)
			to, payload, ok2 := strings.Cut(ev.Payload, "\n")
			if !ok || !ok2 {
				b.log.Warn("redis: malformed event ignored", "channel", ev.Channel)
				continue
			}
			if id, admit := strings.CutPrefix(to, "+"); admit {
				b.hub.admit(topic, id)
				continue
			}
			b.hub.deliver(topic, to, []byte(payload))
		case *redis.Subscription:
			// The first confirmation was read in newRedisBus: this is a
			// new one, after go-redis reconnected.
			b.log.Warn("redis: subscription renewed; resynchronizing")
			b.done.Go(b.resync)
		}
	}
}

// resync repairs the shared state after the connection to Redis was lost:
// events published meanwhile never arrived, and a restarted Redis has
// lost everything. It registers this process and its members again and
// sends every client the current users and counter state.
func (b *redisBus) resync() {
	select {
	case <-b.stop:
		return // closing: this process is leaving anyway
	default:
	}
	ctx, cancel := context.WithTimeout(context.Background(), redisOpTimeout)
	defer cancel()
	if err := b.heartbeat(ctx, false); err != nil {
		b.log.Error("redis: resync: heartbeat", "err", err)
		return
	}
	// An admission may have been lost with the connection: admit every
	// peer, whose next events are the current state sent below.
	b.hub.admitAll()
	args := []any{redisMembersPfx, redisEventsPfx, redisCounterKey, redisEventsPfx + counterTopic}
	for _, m := range b.hub.members() {
		args = append(args, m.topic, usersStyle(m.topic), m.id, m.nick)
	}
	if err := resyncScript.Run(ctx, b.rdb, []string{redisTopicsKey}, args...).Err(); err != nil {
		b.log.Error("redis: resync", "err", err)
	}
}

// beat refreshes this process's liveness every ttl/3 until Close.
func (b *redisBus) beat() {
	t := time.NewTicker(b.ttl / 3)
	defer t.Stop()
	for {
		select {
		case <-b.stop:
			return
		case <-t.C:
		}
		ctx, cancel := context.WithTimeout(context.Background(), redisOpTimeout)
		if err := b.heartbeat(ctx, false); err != nil {
			b.log.Error("redis: heartbeat", "err", err)
		}
		cancel()
	}
}

// heartbeat runs the heartbeat script: it renews this process (or, when
// leaving, removes it) and removes the members of dead processes.
func (b *redisBus) heartbeat(ctx context.Context, leaving bool) error {
	flag := "0"
	if leaving {
		flag = "1"
	}
	return heartbeatScript.Run(ctx, b.rdb, []string{redisProcsKey, redisTopicsKey},
		b.proc, b.ttl.Milliseconds(), redisMembersPfx, redisEventsPfx, flag).Err()
}

func (b *redisBus) AddCounter(ctx context.Context, delta int64) error {
	ctx, cancel := context.WithTimeout(ctx, redisOpTimeout)
	defer cancel()
	return addCounterScript.Run(ctx, b.rdb, []string{redisCounterKey}, delta, redisEventsPfx+counterTopic).Err()
}

func (b *redisBus) SendCounter(ctx context.Context, to string) error {
	ctx, cancel := context.WithTimeout(ctx, redisOpTimeout)
	defer cancel()
	return sendCounterScript.Run(ctx, b.rdb, []string{redisCounterKey}, redisEventsPfx+counterTopic, to).Err()
}

func (b *redisBus) Join(ctx context.Context, topic, id, nick string, notice []byte) error {
	return b.presence(ctx, "join", topic, id, nick, notice)
}

func (b *redisBus) Leave(ctx context.Context, topic, id string, notice []byte) error {
	return b.presence(ctx, "leave", topic, id, "", notice)
}

func (b *redisBus) presence(ctx context.Context, op, topic, id, nick string, notice []byte) error {
	ctx, cancel := context.WithTimeout(ctx, redisOpTimeout)
	defer cancel()
	return presenceScript.Run(ctx, b.rdb, []string{redisMembersPfx + topic, redisTopicsKey},
		topic, redisEventsPfx+topic, op, id, nick, notice, usersStyle(topic)).Err()
}

func (b *redisBus) Publish(ctx context.Context, topic string, msg []byte) error {
	ctx, cancel := context.WithTimeout(ctx, redisOpTimeout)
	defer cancel()
	return b.rdb.Publish(ctx, redisEventsPfx+topic, "\n"+string(msg)).Err()
}

func (b *redisBus) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, redisOpTimeout)
	defer cancel()
	return b.rdb.Ping(ctx).Err()
}

// Close removes this process (and any member it left behind), stops the
// heartbeat and the subscription, and disconnects.
func (b *redisBus) Close() error {
	var err error
	b.closeOnce.Do(func() {
		close(b.stop)
		ctx, cancel := context.WithTimeout(context.Background(), redisOpTimeout)
		err = b.heartbeat(ctx, true)
		cancel()
		b.ps.Close() // ends receive
		b.done.Wait()
		if cerr := b.rdb.Close(); err == nil {
			err = cerr
		}
	})
	return err
}

// usersStyle tells the scripts how to write topic's users event: "count"
// for the counter, "list|ROOM" for a chat room (see usersJSON).
func usersStyle(topic string) string {
	if room, ok := strings.CutPrefix(topic, chatTopicPrefix); ok {
		return "list|" + room
	}
	return "count"
}

// luaUsers is the Lua twin of usersJSON, shared by the scripts below:
// users(key, style) returns the users event of the members hash at key.
const luaUsers = `
local function users(key, style)
  if style == 'count' then
    return '{"type":"users","count":' .. string.format('%d', redis.call('HLEN', key)) .. '}'
  end
  local room = string.sub(style, 6)
  local nicks = redis.call('HVALS', key)
  table.sort(nicks)
  local list = '[]'
  if #nicks > 0 then list = cjson.encode(nicks) end
  return '{"type":"users","room":' .. cjson.encode(room) .. ',"users":' .. list .. '}'
end
`

// addCounterScript: KEYS[1] counter; ARGV delta, channel. It reads the
// value back with GET to print it exactly (Lua numbers are doubles).
var addCounterScript = redis.NewScript(`
redis.call('INCRBY', KEYS[1], ARGV[1])
local v = redis.call('GET', KEYS[1])
redis.call('PUBLISH', ARGV[2], '\n{"type":"state","value":' .. v .. '}')
return v
`)

// sendCounterScript: KEYS[1] counter; ARGV channel, peer id.
var sendCounterScript = redis.NewScript(`
local v = redis.call('GET', KEYS[1])
if not v then v = '0' end
redis.call('PUBLISH', ARGV[1], ARGV[2] .. '\n{"type":"state","value":' .. v .. '}')
return v
`)

// presenceScript: KEYS[1] the topic's members, KEYS[2] topics; ARGV
// topic, channel, "join" or "leave", peer id, nick, notice, users style.
var presenceScript = redis.NewScript(luaUsers + `
local topic, channel, op, id, nick, notice, style = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7]
if op == 'join' then
  redis.call('HSET', KEYS[1], id, nick)
  redis.call('HSET', KEYS[2], topic, style)
  redis.call('PUBLISH', channel, '+' .. id .. '\n')
elseif redis.call('HDEL', KEYS[1], id) == 0 then
  return 0 -- not a member (any more): nothing to announce
end
if notice ~= '' then redis.call('PUBLISH', channel, '\n' .. notice) end
redis.call('PUBLISH', channel, '\n' .. users(KEYS[1], style))
if redis.call('HLEN', KEYS[1]) == 0 then redis.call('HDEL', KEYS[2], topic) end
return 1
`)

// heartbeatScript: KEYS[1] processes, KEYS[2] topics; ARGV this process,
// ttl in ms, members key prefix, channel prefix, "1" when leaving. The
// clock is Redis's own, so the processes' clocks do not matter.
var heartbeatScript = redis.NewScript(luaUsers + `
local proc, ttl, mpfx, cpfx, leaving = ARGV[1], tonumber(ARGV[2]), ARGV[3], ARGV[4], ARGV[5] == '1'
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local dead = {}
for _, p in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now)) do
  if p ~= proc then table.insert(dead, p) end
end
if leaving then
  table.insert(dead, proc)
else
  redis.call('ZADD', KEYS[1], now + ttl, proc)
end
if #dead == 0 then return 0 end
local topics = redis.call('HGETALL', KEYS[2])
for i = 1, #topics, 2 do
  local topic, style = topics[i], topics[i + 1]
  local key = mpfx .. topic
  local removed = 0
  for _, field in ipairs(redis.call('HKEYS', key)) do
    for _, p in ipairs(dead) do
      if string.sub(field, 1, #p + 1) == p .. '/' then
        removed = removed + redis.call('HDEL', key, field)
        break
      end
    end
  end
  if removed > 0 then
    redis.call('PUBLISH', cpfx .. topic, '\n' .. users(key, style))
    if redis.call('HLEN', key) == 0 then redis.call('HDEL', KEYS[2], topic) end
  end
end
redis.call('ZREM', KEYS[1], unpack(dead))
return #dead
`)

// resyncScript: KEYS[1] topics; ARGV members key prefix, channel prefix,
// counter key, counter channel, then topic, users style, peer id, nick
// for each local member. It sets the members again (a restarted Redis
// lost them), and publishes the users event of their topics and the
// counter's state, without join notices.
var resyncScript = redis.NewScript(luaUsers + `
local mpfx, cpfx = ARGV[1], ARGV[2]
local touched = {}
for i = 5, #ARGV, 4 do
  local topic, style, id, nick = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  redis.call('HSET', mpfx .. topic, id, nick)
  redis.call('HSET', KEYS[1], topic, style)
  touched[topic] = style
end
for topic, style in pairs(touched) do
  redis.call('PUBLISH', cpfx .. topic, '\n' .. users(mpfx .. topic, style))
end
local v = redis.call('GET', ARGV[3])
if not v then v = '0' end
redis.call('PUBLISH', ARGV[4], '\n{"type":"state","value":' .. v .. '}')
return 1
`)

// redisLogger routes go-redis's own log lines (reconnection attempts and
// the like) into a slog.Logger, at level Warn. go-redis has one logger
// for the process: see redis.SetLogger.
type redisLogger struct{ log *slog.Logger }

func (l redisLogger) Printf(_ context.Context, format string, v ...any) {
	l.log.Warn("redis: " + strings.TrimPrefix(fmt.Sprintf(format, v...), "redis: "))
}

// peerID returns the id of the n-th peer of process proc.
func peerID(proc string, n uint64) string { return proc + "/" + strconv.FormatUint(n, 10) }
