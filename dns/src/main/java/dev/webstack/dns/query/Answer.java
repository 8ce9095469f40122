package dev.webstack.dns.query;

import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Rcode;

/**
 * What the zone data says to one question, before it is fitted into a message: the rcode, whether the answer is
 * authoritative, and the RRsets of each section in order. Expected outcomes are values (dnsjava's SetResponse
 * idea): NXDOMAIN, NODATA and referrals are answers, not exceptions.
 *
 * <p>The answer section and a mandatory authority section (the SOA of a negative answer, the NS of a referral)
 * must arrive whole or the message is truncated; an optional authority section (the zone's NS beside a positive
 * answer) and the additional section are left out, RRset by RRset, when they do not fit.
 */
public final class Answer {
    int rcode = Rcode.NOERROR;
    boolean authoritative = true;
    boolean authorityOptional;
    final List<RRset> answer = new ArrayList<>(2);
    final List<RRset> authority = new ArrayList<>(1);
    final List<RRset> additional = new ArrayList<>(2);
    Name rateLimitName;

    public int rcode() {
        return rcode;
    }

    public boolean isAuthoritative() {
        return authoritative;
    }

    public List<RRset> answer() {
        return answer;
    }

    public List<RRset> authority() {
        return authority;
    }

    public List<RRset> additional() {
        return additional;
    }

    /**
     * The name response-rate limiting counts this answer under, as NSD's and BIND's RRL do: the wildcard's owner
     * for a synthesized answer, the delegation point for a referral, the zone's origin for NXDOMAIN, else the
     * name asked.
     */
    public Name rateLimitName() {
        return rateLimitName;
    }
}
