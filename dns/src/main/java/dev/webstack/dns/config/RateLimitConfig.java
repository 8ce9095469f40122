package dev.webstack.dns.config;

/**
 * Response-rate limiting: identical answers to one client network beyond a rate are dropped, every
 * {@code slip}-th of them sent truncated instead (so a real client retries over TCP), so the server cannot be used
 * to amplify an attack on a forged source address. UDP only.
 *
 * @param responsesPerSecond identical answers per second one network may get; 0 turns limiting off (NSD: 200)
 * @param slip every slip-th limited answer goes out truncated; 0 drops them all, 1 truncates them all (NSD: 2)
 * @param ipv4Prefix how many leading bits of an IPv4 client make its network (NSD: 24)
 * @param ipv6Prefix the same for IPv6 (NSD: 64)
 */
public record RateLimitConfig(int responsesPerSecond, int slip, int ipv4Prefix, int ipv6Prefix) {
    public static final RateLimitConfig DEFAULT = new RateLimitConfig(200, 2, 24, 64);
    public static final RateLimitConfig OFF = new RateLimitConfig(0, 2, 24, 64);

    public boolean isEnabled() {
        return responsesPerSecond > 0;
    }
}
