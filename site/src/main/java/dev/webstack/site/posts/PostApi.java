package dev.webstack.site.posts;

import com.fasterxml.jackson.databind.JsonNode;
import dev.webstack.site.sessions.Session;
import dev.webstack.site.web.FieldErrors;
import dev.webstack.site.web.HttpError;
import dev.webstack.site.web.Json;
import dev.webstack.site.web.PageRequest;
import dev.webstack.site.web.Visitor;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;

/**
 * The JSON API under /api/posts. Reads are public; writes need a logged-in session and its CSRF token (checked
 * before these handlers, see RequestChecks). Status codes: 200, 201 + Location, 204; 400 for malformed JSON,
 * a body that is not an object, or fields missing or not strings; 422 for fields that break the rules;
 * 403 for someone else's post; 404 for an unknown id. Errors are {@code {"error": "...", "fields": {...}}}.
 */
public final class PostApi {

    private final Posts posts;

    public PostApi(Posts posts) {
        this.posts = posts;
    }

    public void routes(RoutesConfig routes) {
        routes.get("/api/posts", this::list);
        routes.post("/api/posts", this::create);
        routes.get("/api/posts/{id}", this::show);
        routes.put("/api/posts/{id}", this::update);
        routes.delete("/api/posts/{id}", this::delete);
    }

    /** A post in the API. */
    public record PostJson(long id, String title, String body, String author, String createdAt, String updatedAt,
            String url) {

        /** Times as ISO-8601 UTC text, e.g. 2026-11-27T21:40:05.123Z. */
        static PostJson of(Post post) {
            return new PostJson(post.id(), post.title(), post.body(), post.author(), post.createdAt().toString(),
                    post.updatedAt().toString(), "/posts/" + post.id());
        }
    }

    /** A page of posts in the API. */
    public record PostPageJson(List<PostJson> items, int page, int perPage, long total, int totalPages) {
    }

    private void list(Context ctx) {
        PostList list = posts.recent(PageRequest.withPerPage(ctx), false);
        ctx.json(new PostPageJson(list.items().stream().map(PostJson::of).toList(), list.page(),
                list.request().perPage(), list.total(), list.totalPages()));
    }

    private void show(Context ctx) {
        ctx.json(PostJson.of(find(ctx)));
    }

    private void create(Context ctx) {
        Session session = Visitor.of(ctx).requireLogin();
        PostInput input = input(ctx);
        Post post = posts.create(session.userId(), input);
        ctx.status(201).header("Location", "/api/posts/" + post.id()).json(PostJson.of(post));
    }

    private void update(Context ctx) {
        Session session = Visitor.of(ctx).requireLogin();
        Post post = own(ctx, session);
        PostInput input = input(ctx);
        Post updated = posts.update(post.id(), session.userId(), input)
                .orElseThrow(() -> HttpError.notFound("no post " + post.id()));
        ctx.json(PostJson.of(updated));
    }

    private void delete(Context ctx) {
        Session session = Visitor.of(ctx).requireLogin();
        Post post = own(ctx, session);
        posts.delete(post.id(), session.userId());
        ctx.status(204);
    }

    private Post find(Context ctx) {
        long id = PostIds.of(ctx);
        return posts.find(id).orElseThrow(() -> HttpError.notFound("no post " + id));
    }

    private Post own(Context ctx, Session session) {
        Post post = find(ctx);
        if (post.authorId() != session.userId()) {
            throw HttpError.forbidden("post " + post.id() + " belongs to someone else");
        }
        return post;
    }

    /** The body's title and body: shape errors are 400, rule errors 422, both with per-field messages. */
    private static PostInput input(Context ctx) {
        JsonNode json = Json.readObject(ctx);
        FieldErrors shape = FieldErrors.none();
        String title = text(json, "title", shape);
        String body = text(json, "body", shape);
        if (!shape.isEmpty()) {
            throw HttpError.invalid(400, "missing or malformed fields", shape);
        }
        PostInput input = PostInput.of(title, body);
        FieldErrors rules = input.validate();
        if (!rules.isEmpty()) {
            throw HttpError.invalid(422, "invalid fields", rules);
        }
        return input;
    }

    private static String text(JsonNode json, String field, FieldErrors errors) {
        JsonNode value = json.get(field);
        if (value == null || value.isNull()) {
            errors.add(field, "required");
            return null;
        }
        if (!value.isTextual()) {
            errors.add(field, "must be a string");
            return null;
        }
        return value.textValue();
    }
}
