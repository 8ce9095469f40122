package dev.webstack.dns.query;

import dev.webstack.dns.zone.Node;
import dev.webstack.dns.zone.Zone;
import java.util.function.Consumer;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * A full zone transfer (RFC 5936): the SOA, every other record, the SOA again, over as many TCP messages as it
 * takes. IXFR is answered the same way, which RFC 1995 section 4 allows when no history is kept.
 */
final class Transfer {
    private static final int MESSAGE_BUDGET = 16_000;

    private Transfer() {
    }

    static void send(Zone zone, Header query, Record question, Consumer<byte[]> out) {
        Record soa = zone.soa().first();
        Message message = Responder.reply(query, question, 0, true);
        int size = 0;
        message.addRecord(soa, Section.ANSWER);
        for (Node node : zone.nodes()) {
            for (RRset rrset : node.rrsets()) {
                if (rrset.getType() == Type.SOA) {
                    continue;
                }
                for (Record record : rrset.rrs(false)) {
                    int length = record.toWire(Section.ANSWER).length;
                    if (size > 0 && size + length > MESSAGE_BUDGET) {
                        out.accept(message.toWire());
                        message = Responder.reply(query, question, 0, true);
                        size = 0;
                    }
                    message.addRecord(record, Section.ANSWER);
                    size += length;
                }
            }
        }
        message.addRecord(soa, Section.ANSWER);
        out.accept(message.toWire());
    }
}
