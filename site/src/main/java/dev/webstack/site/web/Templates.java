package dev.webstack.site.web;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.javalin.http.Context;
import java.util.Map;

/**
 * Renders the JTE templates of src/main/jte, compiled to classes at build time. HTML content type: every
 * {@code ${...}} is escaped for where it stands (text or attribute), so user text can never become markup.
 */
public final class Templates {

    private final TemplateEngine engine = TemplateEngine.createPrecompiled(ContentType.Html);

    /** Renders fully before touching the response, so a template failure becomes a clean 500 page. */
    public void render(Context ctx, int status, String template, Map<String, Object> params) {
        StringOutput output = new StringOutput();
        engine.render(template, params, output);
        ctx.status(status).contentType("text/html; charset=utf-8").result(output.toString());
    }

    public void render(Context ctx, String template, Map<String, Object> params) {
        render(ctx, 200, template, params);
    }
}
