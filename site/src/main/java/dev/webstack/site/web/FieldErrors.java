package dev.webstack.site.web;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Messages keyed by form or JSON field, in the order found; shown next to the field, or sent as "fields". */
public final class FieldErrors {

    private final Map<String, String> messages = new LinkedHashMap<>();

    public static FieldErrors none() {
        return new FieldErrors();
    }

    /** Keeps the first message per field: it names the first rule broken. */
    public FieldErrors add(String field, String message) {
        messages.putIfAbsent(field, message);
        return this;
    }

    public boolean isEmpty() {
        return messages.isEmpty();
    }

    public boolean has(String field) {
        return messages.containsKey(field);
    }

    /** The message for a field, or null. */
    public String get(String field) {
        return messages.get(field);
    }

    public Map<String, String> asMap() {
        return Collections.unmodifiableMap(messages);
    }
}
