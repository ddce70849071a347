package redis_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/alicebob/miniredis/v2"
	goredis "github.com/redis/go-redis/v9"
	"github.com/stdapi/stdapi/ws"
	wsredis "github.com/stdapi/stdapi/ws/redis"
)

// printer is a ws.Member that prints what it receives; a *ws.Conn is the
// usual member.
type printer struct {
	name string
	done chan struct{}
}

func (p *printer) Send(m *ws.Message) error {
	fmt.Printf("%s got %q\n", p.name, m.Data())
	p.done <- struct{}{}
	return nil
}
func (p *printer) Close(int, string) error  { return nil }
func (p *printer) Context() context.Context { return context.Background() }

// Two nodes, as two processes would run them: a broadcast on node a
// reaches the member of node b.
func Example() {
	srv := miniredis.NewMiniRedis() // stands in for your Redis server here
	if err := srv.Start(); err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	node := func(name string) (*ws.Hub, *wsredis.Broker, func()) {
		rdb := goredis.NewClient(&goredis.Options{Addr: srv.Addr()})
		hub := &ws.Hub{}
		broker, err := wsredis.New(wsredis.Options{Client: rdb, NodeID: name, LocalCount: hub.Count})
		if err != nil {
			log.Fatal(err)
		}
		hub.Broker = broker
		return hub, broker, func() {
			hub.Close()
			broker.Close(context.Background())
			rdb.Close()
		}
	}
	hubA, _, closeA := node("a")
	defer closeA()
	hubB, brokerB, closeB := node("b")
	defer closeB()

	member := &printer{name: "member of b", done: make(chan struct{}, 1)}
	hubB.Join("lobby", member)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := brokerB.Sync(ctx); err != nil { // b's subscription is in place
		log.Fatal(err)
	}
	if err := hubA.Broadcast(ctx, "lobby", ws.NewText("hello from a")); err != nil {
		log.Fatal(err)
	}
	<-member.done
	// Output:
	// member of b got "hello from a"
}

// Presence across nodes: Count adds up the members recorded by every node.
func ExampleBroker_Count() {
	srv := miniredis.NewMiniRedis() // stands in for your Redis server here
	if err := srv.Start(); err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	rdb := goredis.NewClient(&goredis.Options{Addr: srv.Addr()})
	defer rdb.Close()

	var brokers []*wsredis.Broker
	for _, name := range []string{"a", "b"} {
		hub := &ws.Hub{}
		broker, err := wsredis.New(wsredis.Options{Client: rdb, NodeID: name, LocalCount: hub.Count})
		if err != nil {
			log.Fatal(err)
		}
		hub.Broker = broker
		defer broker.Close(context.Background())
		defer hub.Close()
		hub.Join("lobby", &printer{name: name})
		brokers = append(brokers, broker)
	}
	ctx := context.Background()
	for _, b := range brokers {
		b.Sync(ctx) // each node recorded its members
	}
	n, err := brokers[0].Count(ctx, "lobby")
	if err != nil {
		log.Fatal(err)
	}
	nodes, _ := brokers[0].Nodes(ctx, "lobby")
	fmt.Println(n, "members:", nodes)
	// Output:
	// 2 members: map[a:1 b:1]
}
