package dev.webstack.edge.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webstack.edge.config.UpstreamConfig;
import dev.webstack.edge.config.UpstreamServerConfig;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Picking a server with the clock a request read when it began. */
class UpstreamTest {

    @Test
    void aServerAddedAfterTheRequestBeganCanTakeIt() {
        List<String> log = new ArrayList<>();
        Upstream upstream = new Upstream(UpstreamConfig.of("app", List.of()), log::add);
        long begun = System.nanoTime();
        UpstreamServer added = upstream.add(UpstreamServerConfig.of("127.0.0.1", 9));
        assertThat(added.isEjected()).isFalse();
        assertThat(upstream.pick(null, List.of(), begun)).isSameAs(added);
    }
}
