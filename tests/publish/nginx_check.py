#!/usr/bin/env python3
"""Serves the demo's public and partners builds with docs/publish/nginx.conf, as documented, on a
free local port, and checks what a visitor and a partner clinic get (see tests/publish.rs).

    python3 tests/publish/nginx_check.py --renkei BIN --repo REPO [--nginx /usr/sbin/nginx]

The configuration is the documented file itself; only its server-specific lines are replaced
(each replacement must find its text, so a change to the documented file cannot go untested).
The server block also gets one regex location of its own, as a hospital's existing host has
(`location ~* \\.(css|js|pdf)$ …`), to show that renkei's blocks still serve their files.
Prints one line per check and exits 1 with the failures; a step that makes the checks
meaningless (a failed build, nginx refusing the file or not starting) stops at once.
Python 3 standard library only.
"""
import argparse
import base64
import html
import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse

USER, PASSWORD = "clinic", "s3cret-for-the-test"
DATE = "2026-11-25"
# The documented file's server-specific text, each replaced for the test.
LISTEN = "listen 80;"
ROOT = "root /var/www/site;"
HTPASSWD = "/etc/nginx/renkei-partners.htpasswd"
SERVER_NAME = "server_name www.example.jp;"


class Fatal(Exception):
    pass


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build(renkei, repo, out, base_url, *extra):
    cmd = [renkei, "build", "--root", repo, "--out", out, "--date", DATE, "--base-url", base_url,
           *extra]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise Fatal(f"renkei build failed ({' '.join(cmd)}):\n{r.stdout}{r.stderr}")


def htpasswd_line():
    """An apr1 hash as `htpasswd` or `openssl passwd -apr1` writes it (docs/publish.md), else
    nginx's {SHA} (base64 SHA-1), which needs nothing but hashlib."""
    if shutil.which("openssl"):
        r = subprocess.run(["openssl", "passwd", "-apr1", PASSWORD], capture_output=True, text=True)
        if r.returncode == 0 and r.stdout.startswith("$apr1$"):
            return f"{USER}:{r.stdout.strip()}\n"
    import hashlib
    digest = base64.b64encode(hashlib.sha1(PASSWORD.encode()).digest()).decode()
    return f"{USER}:{{SHA}}{digest}\n"


def configure(repo, tmp, port):
    path = os.path.join(repo, "docs/publish/nginx.conf")
    with open(path, encoding="utf-8") as f:
        text = f.read()
    # A hospital host's own static-file rule, which must not take renkei's files (^~), and its
    # own pages served from the folder renkei builds into.
    host_rule = (SERVER_NAME + "\n    location ~* \\.(css|js|mjs|pdf|csv|xml|ics|vcf)$ { return 418; }"
                 + f"\n    location / {{ root {tmp}/www; }}")
    for old, new in [
        (LISTEN, f"listen 127.0.0.1:{port};"),
        (ROOT, f"root {tmp}/www;"),
        (HTPASSWD, f"{tmp}/htpasswd"),
        (SERVER_NAME, host_rule),
    ]:
        if old not in text:
            raise Fatal(f"docs/publish/nginx.conf no longer has {old!r}: update this test with it")
        text = text.replace(old, new)
    with open(os.path.join(tmp, "site.conf"), "w", encoding="utf-8") as f:
        f.write(text)
    # Only the test's own frame around the documented server block. As root, nginx's workers
    # would run as nobody and could not read the temporary folders (0700): keep them root.
    user = "user root;\n" if os.geteuid() == 0 else ""
    with open(os.path.join(tmp, "nginx.conf"), "w", encoding="utf-8") as f:
        f.write(f"""{user}worker_processes 1;
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {tmp}/access.log;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    include {tmp}/site.conf;
}}
""")


def partners_only_values(repo, slug):
    """The string values of `partners_only:` in content/partners/<slug>.md (flow or block)."""
    with open(os.path.join(repo, "content", "partners", f"{slug}.md"), encoding="utf-8") as f:
        front = f.read().split("\n---", 1)[0]
    m = re.search(r"^partners_only:(.*(?:\n[ \t]+.*)*)", front, re.M)
    if not m:
        raise Fatal(f"content/partners/{slug}.md has no partners_only: to check")
    body = m.group(1).strip().strip("{}")
    values = []
    for part in re.split(r",\s*|\n\s*", body):
        if ":" in part:
            value = part.split(":", 1)[1].strip().strip('"')
            if value:
                values.append(value)
    if not values:
        raise Fatal(f"content/partners/{slug}.md: no value under partners_only:")
    return values


def front_value(repo, slug, key):
    with open(os.path.join(repo, "content", "partners", f"{slug}.md"), encoding="utf-8") as f:
        m = re.search(rf"^{key}:\s*(.+)$", f.read(), re.M)
    return m.group(1).strip().strip('"') if m else None


class Client:
    def __init__(self, port):
        self.port = port

    def get(self, path, auth=None, headers=None):
        """One GET; redirects are not followed. Returns status, headers (lower-case), body."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        headers = dict(headers or {})
        if auth:
            headers["Authorization"] = "Basic " + base64.b64encode(auth.encode()).decode()
        conn.request("GET", urllib.parse.quote(path, safe="/-._~"), headers=headers)
        r = conn.getresponse()
        body = r.read()
        conn.close()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, body


def start(nginx, tmp, port):
    conf = os.path.join(tmp, "nginx.conf")
    # -e: nginx's own log before the configuration is read (non-root users cannot write
    # /var/log/nginx).
    base = [nginx, "-e", os.path.join(tmp, "error.log"), "-p", tmp, "-c", conf]
    t = subprocess.run([*base, "-t"], capture_output=True, text=True)
    if t.returncode != 0 or "[warn]" in t.stderr or "[emerg]" in t.stderr:
        raise Fatal(f"nginx -t failed or warned about the documented configuration:\n{t.stderr}")
    server = subprocess.Popen(base, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    for _ in range(200):
        if server.poll() is not None:
            raise Fatal(f"nginx stopped at once:\n{server.stderr.read().decode()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server
        except OSError:
            time.sleep(0.05)
    stop(server)
    raise Fatal(f"nginx did not listen on 127.0.0.1:{port} within 10 s")


def stop(server):
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def run(args, tmp):
    os.chmod(tmp, 0o755)
    port = free_port()
    origin = f"http://127.0.0.1:{port}"
    public = os.path.join(tmp, "www", "renkei")
    partners = os.path.join(tmp, "www", "renkei-partners")
    build(args.renkei, args.repo, public, f"{origin}/renkei/")
    build(args.renkei, args.repo, partners, f"{origin}/renkei-partners/", "--profile", "partners")
    with open(os.path.join(tmp, "htpasswd"), "w") as f:
        f.write(htpasswd_line())
    configure(args.repo, tmp, port)

    failures = []

    def check(ok, what):
        print(("ok   " if ok else "FAIL ") + what, flush=True)
        if not ok:
            failures.append(what)

    server = start(args.nginx, tmp, port)
    try:
        c = Client(port)
        creds = f"{USER}:{PASSWORD}"

        # The public site.
        status, h, body = c.get("/renkei/")
        check(status == 200 and h.get("content-type") == "text/html; charset=utf-8"
              and "みなと市民病院" in body.decode(),
              f"/renkei/ → {status} {h.get('content-type')}, the site's title")
        check(h.get("cache-control") == "no-cache", f"pages are revalidated: {h.get('cache-control')}")
        check("x-robots-tag" not in h, f"the public site may be indexed: {h.get('x-robots-tag')}")
        etag = h.get("etag")
        status, _, _ = c.get("/renkei/", headers={"If-None-Match": etag or '"none"'})
        check(etag is not None and status == 304, f"an unchanged page asked again → {status}")
        status, h, _ = c.get("/renkei")
        check(status == 301 and h.get("location") == "/renkei/", f"/renkei → {status} {h.get('location')}")

        name = front_value(args.repo, "asahimachi-clinic", "name") or "朝日町クリニック"
        status, _, body = c.get("/renkei/partners/asahimachi-clinic/")
        check(status == 200 and name in body.decode(), f"a partner's page → {status}, {name}")
        status, h, _ = c.get("/renkei/partners/asahimachi-clinic")
        check(status == 301 and h.get("location") == "/renkei/partners/asahimachi-clinic/",
              f"no trailing slash → {status} {h.get('location')}")

        status, _, body = c.get("/renkei/news/category/休診・代診/")
        check(status == 200 and "休診・代診" in body.decode(),
              f"a Japanese path (/renkei/news/category/休診・代診/, percent-encoded) → {status}")

        page404 = open(os.path.join(public, "404.html"), "rb").read()
        status, h, body = c.get("/renkei/no-such-page/")
        check(status == 404 and body == page404,
              f"a missing page → {status}, renkei's 404.html: {body == page404}")
        status, _, body = c.get("/renkei/partners/no-such-clinic/deeper/")
        check(status == 404 and body == page404, f"a missing page two levels down → {status}")
        for bookkeeping in ("/renkei/.renkei-manifest", "/renkei/.renkei-output"):
            status, _, _ = c.get(bookkeeping)
            check(status == 404, f"renkei's bookkeeping {bookkeeping} is not served → {status}")
        # Built straight into the host's folder: the record and parses beside each output, in
        # the folder the host's own pages are served from.
        for beside in (".renkei-inputs.renkei", ".renkei-parsed.renkei",
                       ".renkei-parsed.renkei-partners"):
            there = os.path.isfile(os.path.join(tmp, "www", beside))
            status, _, _ = c.get("/" + beside)
            check(there and status == 404, f"{beside} beside the output (there: {there}) → {status}")
        status, _, _ = c.get("/")
        check(status in (200, 403, 404), f"the host's own root still answers → {status}")

        card = next(f for f in sorted(os.listdir(os.path.join(public, "contact")))
                    if f.endswith(".vcf"))
        for path, expected in [
            ("/renkei/seminars/seminars.ics", "text/calendar; charset=utf-8"),
            (f"/renkei/contact/{card}", "text/vcard; charset=utf-8"),
            ("/renkei/data/partners.csv", "text/csv; charset=utf-8"),
            ("/renkei/data/partners.json", "application/json; charset=utf-8"),
            ("/renkei/assets/style.css", "text/css; charset=utf-8"),
            ("/renkei/assets/search.mjs", "text/javascript; charset=utf-8"),
            ("/renkei/assets/dates.js", "application/javascript; charset=utf-8"),
            ("/renkei/assets/favicon.svg", "image/svg+xml; charset=utf-8"),
            ("/renkei/news/atom.xml", "application/atom+xml; charset=utf-8"),
            ("/renkei/sitemap.xml", "text/xml; charset=utf-8"),
            ("/renkei/robots.txt", "text/plain; charset=utf-8"),
        ]:
            status, h, body = c.get(path)
            with open(os.path.join(public, path[len("/renkei/"):]), "rb") as f:
                same = body == f.read()
            check(status == 200 and h.get("content-type") == expected and same,
                  f"{path} → {status} {h.get('content-type')}")
        status, h, _ = c.get("/renkei/seminars/seminars.ics")
        check(h.get("cache-control") == "no-cache", f"other files are revalidated too: {h.get('cache-control')}")
        status, h, _ = c.get("/renkei/assets/style.css")
        check(h.get("cache-control") == "public, max-age=3600",
              f"assets/ is kept an hour: {h.get('cache-control')}")

        # The partners site.
        status, h, _ = c.get("/renkei-partners")
        check(status == 301 and h.get("location") == "/renkei-partners/",
              f"/renkei-partners → {status} {h.get('location')}")
        for path in ("/renkei-partners/", "/renkei-partners/partners/asahimachi-clinic/",
                     "/renkei-partners/news/atom.xml", "/renkei-partners/assets/style.css",
                     "/renkei-partners/data/partners.csv", "/renkei-partners/no-such-page/"):
            status, h, _ = c.get(path)
            check(status == 401 and "www-authenticate" in h, f"{path} without a password → {status}")
        status, _, body = c.get("/renkei-partners/.renkei-manifest")
        check(status in (401, 404) and b"index.html" not in body,
              f"/renkei-partners/.renkei-manifest without a password → {status}")
        status, _, _ = c.get("/renkei-partners/", auth=f"{USER}:wrong")
        check(status == 401, f"partners with a wrong password → {status}")

        status, h, body = c.get("/renkei-partners/", auth=creds)
        check(status == 200 and h.get("content-type") == "text/html; charset=utf-8",
              f"partners with the password → {status} {h.get('content-type')}")
        check("noindex" in h.get("x-robots-tag", ""), f"partners: X-Robots-Tag {h.get('x-robots-tag')}")
        check(h.get("cache-control") == "private, no-cache", f"partners: Cache-Control {h.get('cache-control')}")
        status, h, _ = c.get("/renkei-partners/news/atom.xml", auth=creds)
        check(status == 200 and h.get("content-type") == "application/atom+xml; charset=utf-8"
              and "noindex" in h.get("x-robots-tag", ""),
              f"partners' feed → {status} {h.get('content-type')}, X-Robots-Tag {h.get('x-robots-tag')}")

        # What only the partners profile shows is there, and not on the public site.
        values = partners_only_values(args.repo, "asahimachi-clinic")
        status, _, body = c.get("/renkei-partners/partners/asahimachi-clinic/", auth=creds)
        on_partners = body.decode()
        on_public = c.get("/renkei/partners/asahimachi-clinic/")[2].decode()
        shown = lambda v, page: v in page or html.escape(v) in page
        check(status == 200 and all(shown(v, on_partners) for v in values)
              and not any(shown(v, on_public) for v in values),
              f"partners_only of asahimachi-clinic ({values[0]} …): on the partners site only")

        page404 = open(os.path.join(partners, "404.html"), "rb").read()
        status, _, body = c.get("/renkei-partners/no-such-page/", auth=creds)
        check(status == 404 and body == page404, f"partners: a missing page → {status}, its own 404.html")
        status, _, _ = c.get("/renkei-partners/.renkei-manifest", auth=creds)
        check(status == 404, f"partners: renkei's bookkeeping is not served → {status}")
    finally:
        stop(server)
    return failures


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--renkei", required=True, help="the renkei binary")
    ap.add_argument("--repo", required=True, help="the repository (content/, docs/publish/)")
    ap.add_argument("--nginx", default=shutil.which("nginx") or "/usr/sbin/nginx")
    args = ap.parse_args()

    tmp = tempfile.mkdtemp(prefix="renkei-nginx-")
    try:
        failures = run(args, tmp)
    except Fatal as e:
        print(f"nginx: FAILED: {e}", flush=True)
        sys.exit(1)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if failures:
        print(f"nginx: {len(failures)} failed:\n  " + "\n  ".join(failures))
        sys.exit(1)
    print("nginx: ok")


if __name__ == "__main__":
    main()
