package dev.webstack.site.posts;

import dev.webstack.site.web.HttpError;
import io.javalin.http.Context;

/** The {id} of a post URL: digits only, else there is no such post (404, not 400: it is an address). */
final class PostIds {

    private PostIds() {
    }

    static long of(Context ctx) {
        String text = ctx.pathParam("id");
        if (text.isEmpty() || text.length() > 18 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw HttpError.notFound("There is no post " + text + ".");
        }
        return Long.parseLong(text);
    }
}
