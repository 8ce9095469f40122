package dev.webstack.edge.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webstack.edge.config.UpstreamServerConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The three balancing policies, each against a pool of servers built by hand: round-robin in nginx's smooth
 * weighted order, least-connections by requests in flight for the weight, and rendezvous hashing.
 */
class BalancingPolicyTest {

    @Nested
    class RoundRobin {
        @Test
        void weightsFiveOneOneGiveNginxsSmoothSequence() {
            UpstreamServer a = server(8001, 5);
            UpstreamServer b = server(8002, 1);
            UpstreamServer c = server(8003, 1);
            RoundRobinPolicy policy = new RoundRobinPolicy();
            List<UpstreamServer> pool = List.of(a, b, c);

            // ngx_http_upstream_get_peer: with a=5, b=1, c=1 the picks are a a b a c a a, and then again.
            List<UpstreamServer> expected = List.of(a, a, b, a, c, a, a);
            for (int round = 0; round < 3; round++) {
                assertThat(picks(policy, pool, null, 7)).as("round %d", round).isEqualTo(expected);
            }
        }

        @Test
        void manyPicksFollowTheWeightsExactly() {
            UpstreamServer a = server(8001, 3);
            UpstreamServer b = server(8002, 2);
            UpstreamServer c = server(8003, 1);
            RoundRobinPolicy policy = new RoundRobinPolicy();
            List<UpstreamServer> pool = List.of(a, b, c);

            // Each whole cycle (the sum of the weights, 6 picks) gives every server exactly its weight.
            for (int cycle = 0; cycle < 100; cycle++) {
                Map<UpstreamServer, Integer> counts = count(picks(policy, pool, null, 6));
                assertThat(counts).as("cycle %d", cycle).containsEntry(a, 3).containsEntry(b, 2).containsEntry(c, 1);
            }
        }

        @Test
        void equalWeightsTakeTurns() {
            UpstreamServer a = server(8001, 1);
            UpstreamServer b = server(8002, 1);
            UpstreamServer c = server(8003, 1);
            RoundRobinPolicy policy = new RoundRobinPolicy();

            List<UpstreamServer> picked = picks(policy, List.of(a, b, c), null, 300);

            assertThat(count(picked)).containsEntry(a, 100).containsEntry(b, 100).containsEntry(c, 100);
            for (int i = 1; i < picked.size(); i++) {
                assertThat(picked.get(i)).as("pick %d", i).isNotSameAs(picked.get(i - 1));
            }
        }

        @Test
        void aServerLeftOutOfTheCandidatesGetsNothingAndTheOthersKeepTheirShares() {
            UpstreamServer a = server(8001, 2);
            UpstreamServer b = server(8002, 1);
            UpstreamServer c = server(8003, 1);
            RoundRobinPolicy policy = new RoundRobinPolicy();
            picks(policy, List.of(a, b, c), null, 8);

            Map<UpstreamServer, Integer> counts = count(picks(policy, List.of(a, c), null, 300));

            assertThat(counts).doesNotContainKey(b).containsEntry(a, 200).containsEntry(c, 100);
        }
    }

    @Nested
    class LeastConnections {
        @Test
        void theServerWithTheFewestRequestsInFlightIsPicked() {
            UpstreamServer a = server(8001, 1);
            UpstreamServer b = server(8002, 1);
            UpstreamServer c = server(8003, 1);
            inFlight(a, 2);
            inFlight(b, 1);
            inFlight(c, 3);
            LeastConnectionsPolicy policy = new LeastConnectionsPolicy();

            // The policy only picks; the pool counts the request. So every pick sees the same loads.
            assertThat(picks(policy, List.of(a, b, c), null, 12)).containsOnly(b);
        }

        @Test
        void requestsInFlightAreWeighedAgainstTheWeight() {
            UpstreamServer big = server(8001, 3);
            UpstreamServer small = server(8002, 1);
            inFlight(big, 2); // 2/3 of its share
            inFlight(small, 1); // all of its share
            LeastConnectionsPolicy policy = new LeastConnectionsPolicy();

            assertThat(picks(policy, List.of(big, small), null, 12)).containsOnly(big);

            inFlight(big, 2); // now 4/3
            assertThat(picks(policy, List.of(big, small), null, 12)).containsOnly(small);
        }

        @Test
        void anIdlePoolSpreadsRequestsOverEveryServer() {
            UpstreamServer a = server(8001, 1);
            UpstreamServer b = server(8002, 1);
            UpstreamServer c = server(8003, 1);
            LeastConnectionsPolicy policy = new LeastConnectionsPolicy();

            Map<UpstreamServer, Integer> counts = count(picks(policy, List.of(a, b, c), null, 30));

            assertThat(counts).containsEntry(a, 10).containsEntry(b, 10).containsEntry(c, 10);
        }

        @Test
        void tiesBetweenSomeServersGoRoundThoseServersInTurn() {
            UpstreamServer a = server(8001, 1);
            UpstreamServer b = server(8002, 1);
            UpstreamServer c = server(8003, 1);
            inFlight(c, 1); // busy with a slow request: a and b tie at 0
            LeastConnectionsPolicy policy = new LeastConnectionsPolicy();

            Map<UpstreamServer, Integer> counts = count(picks(policy, List.of(a, b, c), null, 30));

            assertThat(counts).doesNotContainKey(c).containsEntry(a, 15).containsEntry(b, 15);
        }

        @Test
        void picksAreCountedThroughThePool() {
            UpstreamServer a = server(8001, 1);
            UpstreamServer b = server(8002, 1);
            LeastConnectionsPolicy policy = new LeastConnectionsPolicy();
            List<UpstreamServer> pool = List.of(a, b);

            // Requests that stay in flight: each pick raises the load of the picked server, so they alternate.
            for (int i = 0; i < 10; i++) {
                policy.pick(pool, null).begin();
            }

            assertThat(a.inFlight()).isEqualTo(5);
            assertThat(b.inFlight()).isEqualTo(5);
        }
    }

    @Nested
    class Hash {
        @Test
        void theSameKeyAlwaysGoesToTheSameServerWhateverTheOrderOfTheCandidates() {
            UpstreamServer a = server(8001, 1);
            UpstreamServer b = server(8002, 1);
            UpstreamServer c = server(8003, 1);
            HashPolicy policy = new HashPolicy();
            HashPolicy another = new HashPolicy();

            for (int i = 0; i < 200; i++) {
                String key = "198.51.100." + i;
                UpstreamServer first = policy.pick(List.of(a, b, c), key);
                for (int again = 0; again < 5; again++) {
                    assertThat(policy.pick(List.of(a, b, c), key)).as(key).isSameAs(first);
                }
                assertThat(policy.pick(List.of(c, a, b), key)).as(key + ", reordered").isSameAs(first);
                assertThat(another.pick(List.of(b, c, a), key)).as(key + ", another policy").isSameAs(first);
            }
        }

        @Test
        void keysSpreadEvenlyOverTheServers() {
            UpstreamServer a = server(8001, 1);
            UpstreamServer b = server(8002, 1);
            UpstreamServer c = server(8003, 1);
            HashPolicy policy = new HashPolicy();

            Map<UpstreamServer, Integer> counts = new HashMap<>();
            for (int i = 0; i < 3000; i++) {
                counts.merge(policy.pick(List.of(a, b, c), "session-" + i), 1, Integer::sum);
            }

            assertThat(counts.values()).hasSize(3).allSatisfy(n -> assertThat(n).isBetween(800, 1200));
        }

        @Test
        void weightsSkewTheShareOfKeys() {
            UpstreamServer heavy = server(8001, 2);
            UpstreamServer b = server(8002, 1);
            UpstreamServer c = server(8003, 1);
            HashPolicy policy = new HashPolicy();

            Map<UpstreamServer, Integer> counts = new HashMap<>();
            for (int i = 0; i < 4000; i++) {
                counts.merge(policy.pick(List.of(heavy, b, c), "10.0." + (i / 256) + "." + (i % 256)), 1,
                        Integer::sum);
            }

            assertThat(counts.get(heavy)).isBetween(1800, 2200);
            assertThat(counts.get(b)).isBetween(800, 1200);
            assertThat(counts.get(c)).isBetween(800, 1200);
        }

        @Test
        void removingAServerMovesOnlyItsKeys() {
            UpstreamServer a = server(8001, 1);
            UpstreamServer b = server(8002, 1);
            UpstreamServer c = server(8003, 1);
            HashPolicy policy = new HashPolicy();

            Map<UpstreamServer, Integer> movedTo = new HashMap<>();
            for (int i = 0; i < 3000; i++) {
                String key = "session-" + i;
                UpstreamServer before = policy.pick(List.of(a, b, c), key);
                UpstreamServer after = policy.pick(List.of(a, c), key);
                if (before == b) {
                    movedTo.merge(after, 1, Integer::sum);
                } else {
                    assertThat(after).as(key).isSameAs(before);
                }
            }

            // b's keys are shared among those left, not dumped on one of them.
            assertThat(movedTo.keySet()).containsExactlyInAnyOrder(a, c);
        }

        @Test
        void withoutAKeyRoundRobinDecides() {
            UpstreamServer a = server(8001, 1);
            UpstreamServer b = server(8002, 1);
            UpstreamServer c = server(8003, 1);
            HashPolicy policy = new HashPolicy();

            List<UpstreamServer> picked = picks(policy, List.of(a, b, c), null, 30);

            assertThat(count(picked)).containsEntry(a, 10).containsEntry(b, 10).containsEntry(c, 10);
            for (int i = 1; i < picked.size(); i++) {
                assertThat(picked.get(i)).as("pick %d", i).isNotSameAs(picked.get(i - 1));
            }
            assertThat(count(picks(policy, List.of(a, b, c), "", 30)).keySet()).as("an empty cookie value")
                    .containsExactlyInAnyOrder(a, b, c);
        }
    }

    private static UpstreamServer server(int port, int weight) {
        return new UpstreamServer(new UpstreamServerConfig("127.0.0.1", port, weight, 0));
    }

    private static void inFlight(UpstreamServer server, int requests) {
        for (int i = 0; i < requests; i++) {
            server.begin();
        }
    }

    private static List<UpstreamServer> picks(LoadBalancingPolicy policy, List<UpstreamServer> pool, String key,
            int n) {
        List<UpstreamServer> picked = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            picked.add(policy.pick(pool, key));
        }
        return picked;
    }

    private static Map<UpstreamServer, Integer> count(List<UpstreamServer> picked) {
        Map<UpstreamServer, Integer> counts = new HashMap<>();
        for (UpstreamServer server : picked) {
            counts.merge(server, 1, Integer::sum);
        }
        return counts;
    }
}
