package autobahn_test

import (
	"context"
	"fmt"
	"log"

	"github.com/wirefast/websocket/autobahn"
)

// Select takes the suite's case patterns: a pattern with * matches every
// id that starts like it, one without * is an exact id.
func ExampleSelect() {
	cases, err := autobahn.Select([]string{"6.4.*", "2.1"}, []string{"6.4.2"})
	if err != nil {
		log.Fatal(err)
	}
	for _, c := range cases {
		fmt.Println(c.N, c.ID)
	}
	// Output:
	// 17 2.1
	// 74 6.4.1
	// 76 6.4.3
	// 77 6.4.4
}

// A fuzzing server for a client under test: point the client at URL and
// read Results when it has called /updateReports.
func ExampleNewServer() {
	srv, err := autobahn.NewServer(&autobahn.ServerOptions{Cases: []string{"1.*", "2.*"}})
	if err != nil {
		log.Fatal(err)
	}
	if err := srv.Start("127.0.0.1:0"); err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	fmt.Println(srv.CaseCount(), "cases")
	// Output: 27 cases
}

// RunClient tests an echo server; the summary line is what CI prints.
func ExampleRunClient() {
	results, err := autobahn.RunClient(context.Background(), "ws://127.0.0.1:9001", &autobahn.ClientOptions{
		Agent: "wirefast",
		Cases: []string{"*"},
	})
	if err != nil {
		log.Fatal(err)
	}
	if err := autobahn.WriteReports("reports/servers", results); err != nil {
		log.Fatal(err)
	}
	sum := autobahn.Summarize(results)
	fmt.Println(sum)
	if sum.Fails(autobahn.FailOnStrict) {
		log.Fatal("conformance failures")
	}
}

func ExampleSummary() {
	results := []autobahn.Result{
		{ID: "1.1.1", Behavior: autobahn.OK, BehaviorClose: autobahn.OK},
		{ID: "6.4.3", Behavior: autobahn.NonStrict, BehaviorClose: autobahn.OK},
		{ID: "7.13.1", Behavior: autobahn.Informational, BehaviorClose: autobahn.Informational},
	}
	fmt.Println(autobahn.Summarize(results))
	// Output: 3 cases: 1 OK, 1 INFORMATIONAL, 1 NON-STRICT, 0 UNIMPLEMENTED, 0 FAILED
}
