package dev.webstack.dns.query;

import dev.webstack.dns.zone.Zone;
import dev.webstack.dns.zone.Zones;
import java.net.InetAddress;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.ExtendedErrorCodeOption;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Answers one DNS message, as a straight line of steps: decode → check (FORMERR, NOTIMP, BADVERS) → pick the zone
 * (REFUSED when none holds the name: never recursion) → look up → assemble → fit to the client's size (TC).
 * Each step either answers or passes on. Bad bytes get a FORMERR or nothing, never an exception: a message too
 * short to carry a header, or one that is itself a response, is dropped. Where the RFCs leave a choice (what an
 * error echoes, which RRset answers ANY), the choice is NSD's, checked by {@code NsdDifferentialTest}.
 */
public final class Responder {
    /** Without EDNS a UDP answer may be 512 bytes (RFC 1035 section 4.2.1); EDNS sizes below it count as it. */
    static final int CLASSIC_UDP_SIZE = 512;
    static final int TCP_SIZE = 65535;

    private final Supplier<Zones> zones;
    private final int udpSize;
    private final Predicate<InetAddress> transferAllowed;
    private final ResponseRateLimiter limiter;
    private volatile AnswerCache cache;

    /**
     * @param zones the current zone snapshot, read once per message so a reload never splits one answer
     * @param udpSize the largest UDP answer this server sends and advertises in its OPT record
     * @param transferAllowed which clients may have AXFR and IXFR
     * @param limiter the response-rate limiter for UDP answers, or null for none
     */
    public Responder(Supplier<Zones> zones, int udpSize, Predicate<InetAddress> transferAllowed,
            ResponseRateLimiter limiter) {
        this.zones = zones;
        this.udpSize = udpSize;
        this.transferAllowed = transferAllowed;
        this.limiter = limiter;
    }

    /**
     * Answers {@code query}, received over UDP or TCP from {@code client}, by passing each response message to
     * {@code out}: none (dropped), one, or several for a zone transfer.
     */
    public void respond(byte[] query, InetAddress client, boolean tcp, Consumer<byte[]> out) {
        AnswerCache cache = cache();
        SimpleQuery simple = SimpleQuery.parse(query, tcp, udpSize);
        AnswerCache.Entry entry = simple == null ? null : cache.get(simple.key);
        byte[] wire;
        if (entry != null) {
            wire = simple.personalize(entry.wire(), query);
        } else {
            entry = general(query, client, tcp, cache.zones(), out);
            if (entry == null) {
                return; // answered already (an error, a transfer), or dropped
            }
            if (simple != null) {
                cache.put(simple.key, entry);
            }
            wire = entry.wire();
        }
        if (!tcp && limiter != null) {
            switch (limiter.check(client, entry.rateLimitName(), entry.type(), entry.rcode(), System.nanoTime())) {
                case DROP:
                    return;
                case SLIP:
                    out.accept(Slip.truncate(wire, entry.edns() ? udpSize : -1));
                    return;
                default:
                    break;
            }
        }
        out.accept(wire);
    }

    /** The cache for the current zones; a new snapshot brings a new, empty cache. */
    private AnswerCache cache() {
        Zones current = zones.get();
        AnswerCache cache = this.cache;
        if (cache == null || cache.zones() != current) {
            cache = new AnswerCache(current);
            this.cache = cache;
        }
        return cache;
    }

    /**
     * Every message through dnsjava's parser and the checks. Errors and transfers go to {@code out} directly and
     * give null; an answer from the zones (REFUSED for a name in none of them included) is returned, to be rate
     * limited, sent, and cached when the query was simple.
     */
    private AnswerCache.Entry general(byte[] query, InetAddress client, boolean tcp, Zones current,
            Consumer<byte[]> out) {
        if (query.length < Header.LENGTH) {
            return null;
        }
        Header header;
        try {
            header = new Header(query);
        } catch (Exception e) {
            return null;
        }
        if (header.getFlag(Flags.QR)) {
            return null;
        }
        if (header.getOpcode() != Opcode.QUERY) {
            out.accept(headerOnly(header, header.getOpcode() == Opcode.NOTIFY ? Rcode.REFUSED : Rcode.NOTIMP));
            return null;
        }
        Message request;
        try {
            request = new Message(query);
        } catch (Exception e) {
            out.accept(headerOnly(header, Rcode.FORMERR));
            return null;
        }
        for (int section = Section.QUESTION; section <= Section.ADDITIONAL; section++) {
            if (request.getSection(section).size() != header.getCount(section)) {
                // Counts that lie. dnsjava forgives them when TC is set (for truncated responses); a query has no
                // such excuse.
                out.accept(headerOnly(header, Rcode.FORMERR));
                return null;
            }
        }
        OPTRecord opt = checkedOpt(request);
        if (opt == BAD_OPT || !request.getSection(Section.ANSWER).isEmpty()
                || !authorityAllowed(request) || !plainQuestionName(query)) {
            out.accept(headerOnly(header, Rcode.FORMERR));
            return null;
        }
        List<Record> questions = request.getSection(Section.QUESTION);
        if (questions.size() > 1) {
            Message formerr = reply(header, null, Rcode.FORMERR, false);
            formerr.getHeader().unsetFlag(Flags.RD);
            out.accept(formerr.toWire());
            return null;
        }
        if (opt != null && opt.getVersion() > 0) {
            // RFC 6891 section 6.1.3: the extended rcode BADVERS (16) travels in the OPT record.
            Message badvers = reply(header, questions.isEmpty() ? null : questions.get(0), Rcode.NOERROR, false);
            badvers.addRecord(new OPTRecord(udpSize, Rcode.BADVERS >> 4, 0), Section.ADDITIONAL);
            out.accept(badvers.toWire());
            return null;
        }
        if (questions.isEmpty()) {
            // A query with no question but an OPT (a cookie or keepalive probe) gets the OPT back; without, FORMERR.
            out.accept(opt == null ? headerOnly(header, Rcode.FORMERR)
                    : error(header, null, Rcode.NOERROR, opt, -1));
            return null;
        }
        return answer(header, questions.get(0), opt, client, tcp, current, out);
    }

    private AnswerCache.Entry answer(Header header, Record question, OPTRecord opt, InetAddress client, boolean tcp,
            Zones current, Consumer<byte[]> out) {
        int qtype = question.getType();
        int qclass = question.getDClass();
        if (qclass != DClass.IN && qclass != DClass.ANY) {
            // NSD echoes the question for CHAOS (where it would answer version.bind) and not for other classes.
            Record echoed = qclass == DClass.CH ? question : null;
            out.accept(error(header, echoed, Rcode.REFUSED, opt, ExtendedErrorCodeOption.NOT_SUPPORTED));
            return null;
        }
        Zone zone = current.find(question.getName());
        if (qtype == Type.AXFR || qtype == Type.IXFR) {
            transfer(header, question, zone, opt, client, tcp, out);
            return null;
        }
        if (zone == null) {
            byte[] refused = error(header, question, Rcode.REFUSED, opt, ExtendedErrorCodeOption.NOT_AUTHORITATIVE);
            return new AnswerCache.Entry(refused, Rcode.REFUSED, null, 0, opt != null);
        }
        Answer answer = Lookup.answer(current, zone, question.getName(), qtype, qclass == DClass.ANY);
        Message reply = reply(header, question, answer.rcode(), answer.isAuthoritative());
        int limit = tcp ? TCP_SIZE : opt == null ? CLASSIC_UDP_SIZE
                : Math.min(udpSize, Math.max(CLASSIC_UDP_SIZE, opt.getPayloadSize()));
        byte[] wire = Fitting.fit(reply, answer, opt == null ? null : responseOpt(opt, -1), limit);
        // Rate limiting counts answers by what they are, not by the name asked (see Answer.rateLimitName): a
        // flood of random names under a wildcard, a delegation or none is still one kind of answer.
        return new AnswerCache.Entry(wire, answer.rcode(), answer.rateLimitName(),
                answer.rcode() == Rcode.NXDOMAIN ? 0 : qtype, opt != null);
    }

    /**
     * AXFR and IXFR: only over TCP, only for a zone's apex, only to the clients the config allows (RFC 5936
     * section 5.1 leaves that policy to the server). IXFR is answered with the whole zone.
     */
    private void transfer(Header header, Record question, Zone zone, OPTRecord opt, InetAddress client, boolean tcp,
            Consumer<byte[]> out) {
        boolean axfr = question.getType() == Type.AXFR;
        if (axfr && !tcp) {
            out.accept(error(header, question, Rcode.NOTIMP, opt, -1));
        } else if (zone == null || !question.getName().equals(zone.origin())) {
            out.accept(error(header, question, Rcode.NOTAUTH, opt, -1));
        } else if (!transferAllowed.test(client) || !tcp) {
            out.accept(error(header, question, Rcode.REFUSED, opt, ExtendedErrorCodeOption.PROHIBITED));
        } else {
            Transfer.send(zone, header, question, out);
        }
    }

    /** A query's authority section is empty, but for IXFR's one SOA: the version the client has (RFC 1995). */
    private static boolean authorityAllowed(Message request) {
        List<Record> authority = request.getSection(Section.AUTHORITY);
        if (authority.isEmpty()) {
            return true;
        }
        Record question = request.getQuestion();
        return question != null && question.getType() == Type.IXFR && authority.size() == 1
                && authority.get(0).getType() == Type.SOA;
    }

    /** The client's OPT record; null when it sent none; {@link #BAD_OPT} when there are two, or it is misplaced. */
    private static OPTRecord checkedOpt(Message request) {
        OPTRecord opt = null;
        for (Record record : request.getSection(Section.ADDITIONAL)) {
            if (record.getType() != Type.OPT || opt != null || !record.getName().equals(Name.root)) {
                return BAD_OPT;
            }
            opt = (OPTRecord) record;
        }
        return opt;
    }

    private static final OPTRecord BAD_OPT = new OPTRecord(0, 0, 0);

    /** The question's name is written out label by label: no compression pointer, no extended label type. */
    private static boolean plainQuestionName(byte[] query) {
        return QuestionName.end(query) != QuestionName.NOT_PLAIN;
    }

    /** The server's OPT record: its UDP size, the client's DO bit (RFC 3225), and an extended error if any. */
    private OPTRecord responseOpt(OPTRecord query, int extendedError) {
        int flags = query.getFlags() & ExtendedFlags.DO;
        return extendedError < 0 ? new OPTRecord(udpSize, 0, 0, flags)
                : new OPTRecord(udpSize, 0, 0, flags, (EDNSOption) new ExtendedErrorCodeOption(extendedError));
    }

    /** A reply header: the query's id, opcode and RD, with QR set. */
    static Message reply(Header query, Record question, int rcode, boolean authoritative) {
        Header header = new Header(query.getID());
        header.setFlag(Flags.QR);
        header.setOpcode(query.getOpcode());
        if (query.getFlag(Flags.RD)) {
            header.setFlag(Flags.RD);
        }
        if (authoritative) {
            header.setFlag(Flags.AA);
        }
        header.setRcode(rcode);
        Message message = new Message();
        message.setHeader(header);
        if (question != null) {
            message.addRecord(question, Section.QUESTION);
        }
        return message;
    }

    /** An error as NSD sends it for messages it cannot read: the 12-byte header alone, nothing echoed. */
    private static byte[] headerOnly(Header query, int rcode) {
        return reply(query, null, rcode, false).toWire();
    }

    private byte[] error(Header query, Record question, int rcode, OPTRecord opt, int extendedError) {
        Message message = reply(query, question, rcode, false);
        if (opt != null) {
            message.addRecord(responseOpt(opt, extendedError), Section.ADDITIONAL);
        }
        return message.toWire();
    }
}
