package dev.webstack.dns.query;

import java.util.List;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * Fits an answer into the size the client can take, as NSD does: whole RRsets only (RFC 2181 section 9), in
 * section order. When an RRset the answer needs does not fit, the message goes out with what fitted before it and
 * TC set, so the client asks again over TCP. Optional RRsets (the NS beside a positive answer, additional data)
 * are left out without TC, from the first one that does not fit.
 */
final class Fitting {
    private Fitting() {
    }

    static byte[] fit(Message reply, Answer answer, OPTRecord opt, int limit) {
        Message message = reply.clone();
        addAll(message, answer.answer, Section.ANSWER);
        addAll(message, answer.authority, Section.AUTHORITY);
        addAll(message, answer.additional, Section.ADDITIONAL);
        if (opt != null) {
            message.addRecord(opt, Section.ADDITIONAL);
        }
        byte[] wire = message.toWire();
        if (wire.length <= limit) {
            return wire;
        }
        // Too big: build it again RRset by RRset, measuring as it grows (rare, so simple beats clever here). The
        // OPT record goes last and always fits: its room is kept aside.
        int room = limit - (opt == null ? 0 : opt.toWire(Section.ADDITIONAL).length);
        message = reply.clone();
        if (addFitting(message, answer.answer, Section.ANSWER, room, true)
                && addFitting(message, answer.authority, Section.AUTHORITY, room, !answer.authorityOptional)) {
            addFitting(message, answer.additional, Section.ADDITIONAL, room, false);
        }
        if (opt != null) {
            message.addRecord(opt, Section.ADDITIONAL);
        }
        return message.toWire();
    }

    /**
     * Adds RRsets while they fit. At the first that does not: takes it out again, sets TC if it was needed, and
     * returns false.
     */
    private static boolean addFitting(Message message, List<RRset> rrsets, int section, int limit, boolean needed) {
        for (RRset rrset : rrsets) {
            for (Record record : rrset.rrs(false)) {
                message.addRecord(record, section);
            }
            if (message.toWire().length > limit) {
                for (Record record : rrset.rrs(false)) {
                    message.removeRecord(record, section);
                }
                if (needed) {
                    message.getHeader().setFlag(Flags.TC);
                }
                return false;
            }
        }
        return true;
    }

    private static void addAll(Message message, List<RRset> rrsets, int section) {
        for (RRset rrset : rrsets) {
            for (Record record : rrset.rrs(false)) {
                message.addRecord(record, section);
            }
        }
    }
}
