package dev.webstack.site.posts;

import dev.webstack.site.sessions.Session;
import dev.webstack.site.web.FieldErrors;
import dev.webstack.site.web.HttpError;
import dev.webstack.site.web.PageRequest;
import dev.webstack.site.web.Templates;
import dev.webstack.site.web.Visitor;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The HTML pages about posts: home (recent posts), a post, a person's posts, and writing, editing and deleting
 * one's own. Writes answer 303 to the page that shows the result (post/redirect/get); a form that fails its
 * rules comes back with status 422 and the message next to the field.
 */
public final class PostPages {

    private final Posts posts;
    private final Templates templates;

    public PostPages(Posts posts, Templates templates) {
        this.posts = posts;
        this.templates = templates;
    }

    public void routes(RoutesConfig routes) {
        routes.get("/", this::home);
        routes.get("/posts/{id}", this::show);
        routes.get("/u/{username}", this::person);
        routes.get("/write", this::writeForm);
        routes.post("/write", this::write);
        routes.get("/posts/{id}/edit", this::editForm);
        routes.post("/posts/{id}/edit", this::edit);
        routes.get("/posts/{id}/delete", this::deleteForm);
        routes.post("/posts/{id}/delete", this::delete);
    }

    private void home(Context ctx) {
        PostList list = posts.recent(PageRequest.pageOnly(ctx), true);
        Map<String, Object> params = params(ctx, list.page() == 1 ? "Recent posts" : "Recent posts, page " + list.page());
        params.put("list", list);
        params.put("excerpt", Post.EXCERPT_CHARACTERS);
        templates.render(ctx, "home.jte", params);
    }

    private void show(Context ctx) {
        Post post = posts.find(PostIds.of(ctx)).orElseThrow(() -> HttpError.notFound("There is no such post."));
        Optional<Session> session = Visitor.of(ctx).session();
        boolean mine = session.map(s -> s.isLoggedIn() && s.userId() == post.authorId()).orElse(false);
        Map<String, Object> params = params(ctx, post.title());
        params.put("post", post);
        params.put("mine", mine);
        templates.render(ctx, "post.jte", params);
    }

    private void person(Context ctx) {
        String username = ctx.pathParam("username");
        // Only a name as sign-up makes it: the column's collation would also match "alice  " to "alice".
        if (!username.matches("[a-z0-9_]{3,30}")) {
            throw HttpError.notFound("There is nobody called " + username + " here.");
        }
        long userId = posts.authorId(username)
                .orElseThrow(() -> HttpError.notFound("There is nobody called " + username + " here."));
        PostList list = posts.byAuthor(userId, PageRequest.pageOnly(ctx));
        Map<String, Object> params = params(ctx, username);
        params.put("username", username);
        params.put("list", list);
        params.put("excerpt", Post.EXCERPT_CHARACTERS);
        templates.render(ctx, "person.jte", params);
    }

    private void writeForm(Context ctx) {
        if (!Visitor.of(ctx).isLoggedIn()) {
            redirectToLogIn(ctx);
            return;
        }
        renderEditor(ctx, 200, null, PostInput.of("", ""), FieldErrors.none());
    }

    private void write(Context ctx) {
        Session session = Visitor.of(ctx).requireLogin();
        PostInput input = PostInput.of(ctx.formParam("title"), ctx.formParam("body"));
        FieldErrors errors = input.validate();
        if (!errors.isEmpty()) {
            renderEditor(ctx, 422, null, input, errors);
            return;
        }
        Post created = posts.create(session.userId(), input);
        ctx.redirect("/posts/" + created.id(), HttpStatus.SEE_OTHER);
    }

    private void editForm(Context ctx) {
        if (!Visitor.of(ctx).isLoggedIn()) {
            redirectToLogIn(ctx);
            return;
        }
        Post post = ownPost(ctx);
        renderEditor(ctx, 200, post.id(), new PostInput(post.title(), post.body()), FieldErrors.none());
    }

    private void edit(Context ctx) {
        Session session = Visitor.of(ctx).requireLogin();
        Post post = ownPost(ctx);
        PostInput input = PostInput.of(ctx.formParam("title"), ctx.formParam("body"));
        FieldErrors errors = input.validate();
        if (!errors.isEmpty()) {
            renderEditor(ctx, 422, post.id(), input, errors);
            return;
        }
        if (posts.update(post.id(), session.userId(), input).isEmpty()) {
            throw HttpError.notFound("There is no such post.");
        }
        ctx.redirect("/posts/" + post.id(), HttpStatus.SEE_OTHER);
    }

    private void deleteForm(Context ctx) {
        if (!Visitor.of(ctx).isLoggedIn()) {
            redirectToLogIn(ctx);
            return;
        }
        Post post = ownPost(ctx);
        Map<String, Object> params = params(ctx, "Delete " + post.title());
        params.put("csrf", Visitor.of(ctx).csrfToken());
        params.put("post", post);
        templates.render(ctx, "delete.jte", params);
    }

    private void delete(Context ctx) {
        Session session = Visitor.of(ctx).requireLogin();
        Post post = ownPost(ctx);
        posts.delete(post.id(), session.userId());
        ctx.redirect("/u/" + session.username(), HttpStatus.SEE_OTHER);
    }

    /** The post named in the URL if the visitor wrote it: 404 if there is none, 403 if it is someone else's. */
    private Post ownPost(Context ctx) {
        Session session = Visitor.of(ctx).requireLogin();
        Post post = posts.find(PostIds.of(ctx)).orElseThrow(() -> HttpError.notFound("There is no such post."));
        if (post.authorId() != session.userId()) {
            throw HttpError.forbidden("This is someone else's post: only its author can change it.");
        }
        return post;
    }

    private void renderEditor(Context ctx, int status, Long postId, PostInput input, FieldErrors errors) {
        Map<String, Object> params = params(ctx, postId == null ? "Write a post" : "Edit your post");
        params.put("csrf", Visitor.of(ctx).csrfToken());
        params.put("postId", postId);
        params.put("input", input);
        params.put("errors", errors);
        params.put("maxTitle", PostInput.MAX_TITLE);
        params.put("maxBody", PostInput.MAX_BODY);
        templates.render(ctx, status, "editor.jte", params);
    }

    private Map<String, Object> params(Context ctx, String title) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("frame", Visitor.of(ctx).frame(title));
        return params;
    }

    private static void redirectToLogIn(Context ctx) {
        ctx.redirect("/login?next=" + URLEncoder.encode(ctx.path(), StandardCharsets.UTF_8), HttpStatus.SEE_OTHER);
    }
}
