package io.genalign.cli.support;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A self-contained {@code index.html} for a run folder: headings, paragraphs, tables, figures (PNG files
 * beside it, referenced by relative path) and links to the raw files. No scripts, no external resources, so it
 * opens offline in any browser.
 */
public final class HtmlReport {
    private final StringBuilder body = new StringBuilder();
    private final String title;

    public HtmlReport(String title) {
        this.title = title;
        body.append("<h1>").append(esc(title)).append("</h1>\n");
    }

    public HtmlReport heading(String text) {
        body.append("<h2>").append(esc(text)).append("</h2>\n");
        return this;
    }

    public HtmlReport paragraph(String text) {
        body.append("<p>").append(esc(text)).append("</p>\n");
        return this;
    }

    /** A preformatted block (e.g. a command line). */
    public HtmlReport code(String text) {
        body.append("<pre>").append(esc(text)).append("</pre>\n");
        return this;
    }

    /** Figures side by side, each with its caption; paths relative to the report. */
    public HtmlReport figures(List<String> files, List<String> captions) {
        body.append("<div class=\"row\">\n");
        for (int i = 0; i < files.size(); i++) {
            body.append("<figure><img src=\"").append(esc(files.get(i))).append("\" alt=\"")
                    .append(esc(captions.get(i))).append("\"><figcaption>").append(esc(captions.get(i)))
                    .append("</figcaption></figure>\n");
        }
        body.append("</div>\n");
        return this;
    }

    public HtmlReport table(List<String> header, List<List<String>> rows) {
        body.append("<table><thead><tr>");
        for (String h : header) {
            body.append("<th>").append(esc(h)).append("</th>");
        }
        body.append("</tr></thead><tbody>\n");
        for (List<String> r : rows) {
            body.append("<tr>");
            for (String c : r) {
                body.append("<td>").append(esc(c)).append("</td>");
            }
            body.append("</tr>\n");
        }
        body.append("</tbody></table>\n");
        return this;
    }

    /** A list of links to files beside the report. */
    public HtmlReport links(List<String> files) {
        body.append("<ul>");
        for (String f : files) {
            body.append("<li><a href=\"").append(esc(f)).append("\">").append(esc(f)).append("</a></li>");
        }
        body.append("</ul>\n");
        return this;
    }

    public String render() {
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + esc(title) + "</title>\n"
                + "<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}"
                + "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;"
                + "text-align:right}th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}"
                + ".row{display:flex;flex-wrap:wrap;gap:1em}figure{margin:0}img{max-width:520px;"
                + "image-rendering:pixelated;border:1px solid #ddd}figcaption{font-size:90%;color:#555}"
                + "pre{background:#f6f6f6;padding:.6em;overflow-x:auto}</style></head>\n<body>\n" + body
                + "</body></html>\n";
    }

    /** Writes the report atomically. */
    public void write(Path file) throws IOException {
        AtomicFiles.writeString(file, render());
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
