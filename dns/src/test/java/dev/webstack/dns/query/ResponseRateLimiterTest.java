package dev.webstack.dns.query;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webstack.dns.config.RateLimitConfig;
import dev.webstack.dns.query.ResponseRateLimiter.Verdict;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/** The token buckets, on a clock the test moves by hand. */
class ResponseRateLimiterTest {
    private static final long SECOND = 1_000_000_000L;

    private final ResponseRateLimiter limiter = new ResponseRateLimiter(new RateLimitConfig(5, 2, 24, 64));

    private Verdict ask(String client, String name, long now) throws Exception {
        return limiter.check(InetAddress.getByName(client), Name.fromString(name), Type.A, Rcode.NOERROR, now);
    }

    @Test
    void identicalAnswersBeyondTheRateAreDroppedAndEverySecondOneSlips() throws Exception {
        List<Verdict> verdicts = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            verdicts.add(ask("192.0.2.1", "www.example.com.", 0));
        }
        assertThat(verdicts).containsExactly(Verdict.SEND, Verdict.SEND, Verdict.SEND, Verdict.SEND, Verdict.SEND,
                Verdict.DROP, Verdict.SLIP, Verdict.DROP, Verdict.SLIP);
        assertThat(ask("192.0.2.1", "www.example.com.", SECOND / 5)).isEqualTo(Verdict.SEND);
        assertThat(ask("192.0.2.1", "www.example.com.", SECOND / 5)).isNotEqualTo(Verdict.SEND);
        assertThat(ask("192.0.2.1", "www.example.com.", 2 * SECOND)).isEqualTo(Verdict.SEND);
    }

    @Test
    void otherNamesAndOtherNetworksHaveTheirOwnBuckets() throws Exception {
        for (int i = 0; i < 5; i++) {
            ask("192.0.2.1", "www.example.com.", 0);
        }
        assertThat(ask("192.0.2.1", "www.example.com.", 0)).isNotEqualTo(Verdict.SEND);
        assertThat(ask("192.0.2.1", "mail.example.com.", 0)).isEqualTo(Verdict.SEND);
        assertThat(ask("198.51.100.1", "www.example.com.", 0)).isEqualTo(Verdict.SEND);
        assertThat(ask("192.0.2.200", "www.example.com.", 0)).as("same /24").isNotEqualTo(Verdict.SEND);
        assertThat(ask("2001:db8::1", "www.example.com.", 0)).isEqualTo(Verdict.SEND);
    }

    @Test
    void idleBucketsAreForgotten() throws Exception {
        for (int i = 0; i < 1000; i++) {
            ask("10." + (i / 256) + "." + (i % 256) + ".1", "www.example.com.", 0);
        }
        assertThat(limiter.size()).isEqualTo(1000);
        ask("192.0.2.1", "www.example.com.", 10 * SECOND);
        assertThat(limiter.size()).isEqualTo(1);
    }
}
