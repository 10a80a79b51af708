//! What people write in Markdown (forum posts, resource summaries) shown as
//! HTML that can do nothing but display: pulldown-cmark renders, then
//! ammonia keeps only the tags and attributes below. Raw HTML in the
//! Markdown is never trusted: it goes through the same cleaning.

use std::collections::HashSet;
use std::sync::LazyLock;

use pulldown_cmark::{Options, Parser, html};

/// Tags a post may use: text structure, lists, quotes, code, tables.
const TAGS: &[&str] = &[
    "a",
    "blockquote",
    "br",
    "code",
    "del",
    "em",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
];

/// Link addresses may only be web, mail or relative.
const SCHEMES: &[&str] = &["http", "https", "mailto"];

static CLEANER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::empty();
    b.tags(TAGS.iter().copied().collect::<HashSet<_>>())
        .tag_attributes(
            [("a", ["href"].into_iter().collect::<HashSet<_>>())]
                .into_iter()
                .collect(),
        )
        .url_schemes(SCHEMES.iter().copied().collect())
        .url_relative(ammonia::UrlRelative::PassThrough)
        // Links people post open nothing of ours and pass no credit.
        .link_rel(Some("nofollow noopener noreferrer"))
        .strip_comments(true);
    b
});

/// Markdown to HTML that is safe to put in a page as it is.
pub fn to_safe_html(markdown: &str) -> String {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    let mut rendered = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut rendered, Parser::new_ext(markdown, options));
    CLEANER.clean(&rendered).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Known cross-site scripting payloads (after the OWASP filter-evasion
    /// cheat sheet and common Markdown-specific ones).
    const PAYLOADS: &[&str] = &[
        "<script>alert(1)</script>",
        "<SCRIPT SRC=https://xss.example/xss.js></SCRIPT>",
        "<img src=x onerror=alert(1)>",
        "<IMG SRC=\"javascript:alert('XSS');\">",
        "<IMG SRC=JaVaScRiPt:alert('XSS')>",
        "<IMG SRC=`javascript:alert(\"RSnake says, 'XSS'\")`>",
        "<a onmouseover=\"alert(document.cookie)\">xxs link</a>",
        "<IMG \"\"\"><SCRIPT>alert(\"XSS\")</SCRIPT>\"\\>",
        "<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;>",
        "<IMG SRC=\"jav&#x09;ascript:alert('XSS');\">",
        "<BODY ONLOAD=alert('XSS')>",
        "<svg/onload=alert('XSS')>",
        "<svg><script>alert(1)</script></svg>",
        "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
        "<iframe src=\"javascript:alert('XSS');\"></iframe>",
        "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
        "<object data=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\"></object>",
        "<embed src=\"data:image/svg+xml;base64,PHN2Zz48c2NyaXB0PmFsZXJ0KDEpPC9zY3JpcHQ+PC9zdmc+\">",
        "<style>@import 'https://xss.example/xss.css';</style>",
        "<div style=\"background-image: url(javascript:alert('XSS'))\">x</div>",
        "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert('XSS');\">",
        "<form action=\"javascript:alert(1)\"><button>go</button></form>",
        "<input onfocus=alert(1) autofocus>",
        "<details open ontoggle=alert(1)>",
        "<base href=\"javascript:alert('XSS');//\">",
        "<link rel=stylesheet href=\"javascript:alert('XSS');\">",
        "<table background=\"javascript:alert('XSS')\"><tr><td>x</td></tr></table>",
        "<a href=\"javascript:alert(1)\">click</a>",
        "<a href=\"&#x6A;avascript:alert(1)\">click</a>",
        "<a href=\"vbscript:msgbox(1)\">click</a>",
        "<a href=\"data:text/html,<script>alert(1)</script>\">click</a>",
        "[click](javascript:alert(1))",
        "[click](JAVASCRIPT:alert(1))",
        "[click](javascript&#58;alert(1))",
        "[click](<javascript:alert(1)>)",
        "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "![x](javascript:alert(1))",
        "![x\" onerror=\"alert(1)](https://example.org/x.png)",
        "[x](https://example.org/\" onclick=\"alert(1))",
        "<http://example.org/\"onmouseover=\"alert(1)>",
        "```\n</code></pre><script>alert(1)</script>\n```",
        "<!-- --><script>alert(1)</script><!-- -->",
        "<scr<script>ipt>alert(1)</scr</script>ipt>",
        "<<script>alert(1)//<</script>",
        "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
        "<template><script>alert(1)</script></template>",
        "<a href=\"https://example.org\" target=\"_top\" onclick=\"alert(1)\">ok</a>",
        "| a | b |\n|---|---|\n| <img src=x onerror=alert(1)> | <script>alert(1)</script> |",
    ];

    /// Every tag left in the output, with its attributes: a literal `<` in
    /// the output can only open a real tag (text has `&lt;`).
    fn tags(html: &str) -> Vec<(String, Vec<(String, String)>)> {
        let mut out = Vec::new();
        let mut rest = html;
        while let Some(start) = rest.find('<') {
            let end = rest[start..].find('>').expect("every tag is closed") + start;
            let inside = &rest[start + 1..end];
            rest = &rest[end + 1..];
            let inside = inside.trim_start_matches('/').trim_end_matches('/');
            let mut parts = inside.splitn(2, char::is_whitespace);
            let name = parts.next().unwrap_or("").to_ascii_lowercase();
            let mut attrs = Vec::new();
            let mut a = parts.next().unwrap_or("").trim();
            while !a.is_empty() {
                let eq = a.find('=').expect("attributes have values");
                let key = a[..eq].trim().to_ascii_lowercase();
                let after = &a[eq + 1..];
                assert!(after.starts_with('"'), "quoted attribute in {html}");
                let close = after[1..].find('"').expect("closing quote") + 1;
                attrs.push((key, after[1..close].to_owned()));
                a = after[close + 1..].trim();
            }
            out.push((name, attrs));
        }
        out
    }

    #[test]
    fn every_known_payload_comes_out_inert() {
        for payload in PAYLOADS {
            let html = to_safe_html(payload);
            for (name, attrs) in tags(&html) {
                assert!(
                    TAGS.contains(&name.as_str()),
                    "<{name}> from {payload:?}: {html}"
                );
                for (key, value) in attrs {
                    match (name.as_str(), key.as_str()) {
                        ("a", "href") => {
                            let v = value.to_ascii_lowercase();
                            assert!(
                                v.starts_with("http://")
                                    || v.starts_with("https://")
                                    || v.starts_with("mailto:")
                                    || v.starts_with('/')
                                    || v.starts_with('#')
                                    || !v.contains(':'),
                                "href {value:?} from {payload:?}"
                            );
                        }
                        ("a", "rel") => assert_eq!(value, "nofollow noopener noreferrer"),
                        _ => panic!("attribute {key} on <{name}> from {payload:?}: {html}"),
                    }
                }
            }
        }
    }

    #[test]
    fn ordinary_markdown_keeps_its_meaning() {
        let html = to_safe_html(
            "Our **sector partnerships** met in *May*.\n\n- one\n- two\n\n> quoted\n\n[The framework](https://example.org/six-key-elements) and [our page](/frameworks)",
        );
        assert!(
            html.contains("<strong>sector partnerships</strong>"),
            "{html}"
        );
        assert!(html.contains("<em>May</em>"));
        assert!(html.contains("<li>one</li>"));
        assert!(html.contains("<blockquote>"));
        assert!(html.contains(
            r#"<a href="https://example.org/six-key-elements" rel="nofollow noopener noreferrer">The framework</a>"#
        ), "{html}");
        assert!(html.contains(r#"<a href="/frameworks""#));
        // Text that looks like HTML stays text.
        assert_eq!(
            to_safe_html("1 < 2 & 3 > 2"),
            "<p>1 &lt; 2 &amp; 3 &gt; 2</p>\n"
        );
    }

    #[test]
    fn images_and_headings_above_the_page_structure_are_dropped() {
        let html = to_safe_html("# Big\n\n![chart](https://example.org/c.png)");
        assert!(!html.contains("<h1"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains("Big"), "the words stay: {html}");
    }
}
