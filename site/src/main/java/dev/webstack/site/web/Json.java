package dev.webstack.site.web;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.javalin.http.Context;

/** The API's JSON: snake_case names out, strict parsing in (trailing garbage is malformed too). */
public final class Json {

    public static final ObjectMapper MAPPER = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private Json() {
    }

    /** The request body as a JSON object, or an HttpError 400 naming where the syntax broke. */
    public static JsonNode readObject(Context ctx) {
        byte[] body = ctx.bodyAsBytes();
        JsonNode node;
        try {
            node = MAPPER.readTree(body);
        } catch (JacksonException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw HttpError.badRequest("malformed JSON" + where);
        } catch (java.io.IOException e) {
            throw HttpError.badRequest("malformed JSON");
        }
        if (node == null || node.isMissingNode() || !node.isObject()) {
            throw HttpError.badRequest("expected a JSON object");
        }
        return node;
    }
}
