#!/usr/bin/env python3
"""Serves the demo's public and partners builds with docs/publish/nginx.conf, as documented, on a
free local port, and checks what a visitor and a partner clinic get (see tests/publish.rs).

    python3 tests/publish/nginx_check.py --renkei BIN --repo REPO [--nginx /usr/sbin/nginx]

The configuration is the documented file itself; only its server-specific lines are replaced
(each replacement must find its line, so a change to the documented file cannot go untested).
Prints one line per check; exits 1 with the failures.
"""
import argparse
import base64
import http.client
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse

USER, PASSWORD = "clinic", "s3cret-for-the-test"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build(renkei, repo, out, base_url, *extra):
    subprocess.run(
        [renkei, "build", "--root", repo, "--out", out, "--date", "2026-11-25",
         "--base-url", base_url, *extra],
        check=True, capture_output=True,
    )


def htpasswd_line():
    """An apr1 hash when openssl is there (what `htpasswd` writes), else nginx's {PLAIN}."""
    if shutil.which("openssl"):
        hashed = subprocess.run(["openssl", "passwd", "-apr1", PASSWORD],
                                check=True, capture_output=True, text=True).stdout.strip()
        return f"{USER}:{hashed}\n"
    return f"{USER}:{{PLAIN}}{PASSWORD}\n"


def configure(repo, tmp, port):
    text = open(os.path.join(repo, "docs/publish/nginx.conf"), encoding="utf-8").read()
    for old, new in [
        ("listen 80;", f"listen 127.0.0.1:{port};"),
        ("root /var/www/site;", f"root {tmp}/www;"),
        ("/etc/nginx/renkei-partners.htpasswd", f"{tmp}/htpasswd"),
    ]:
        if old not in text:
            sys.exit(f"docs/publish/nginx.conf no longer has {old!r}: update this test with it")
        text = text.replace(old, new)
    with open(os.path.join(tmp, "site.conf"), "w", encoding="utf-8") as f:
        f.write(text)
    # Only the test's own frame around the documented server block.
    user = "user root;\n" if os.geteuid() == 0 else ""
    with open(os.path.join(tmp, "nginx.conf"), "w", encoding="utf-8") as f:
        f.write(f"""{user}worker_processes 1;
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log;
events {{ worker_connections 64; }}
http {{
    access_log {tmp}/access.log;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    include {tmp}/site.conf;
}}
""")


class Client:
    def __init__(self, port):
        self.port = port

    def get(self, path, auth=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        headers = {}
        if auth:
            headers["Authorization"] = "Basic " + base64.b64encode(auth.encode()).decode()
        conn.request("GET", urllib.parse.quote(path, safe="/-._~"), headers=headers)
        r = conn.getresponse()
        body = r.read()
        conn.close()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, body


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--renkei", required=True)
    ap.add_argument("--repo", required=True)
    ap.add_argument("--nginx", default=shutil.which("nginx") or "/usr/sbin/nginx")
    args = ap.parse_args()

    tmp = tempfile.mkdtemp(prefix="renkei-nginx-")
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

    conf = os.path.join(tmp, "nginx.conf")
    t = subprocess.run([args.nginx, "-t", "-p", tmp, "-c", conf], capture_output=True, text=True)
    if t.returncode != 0 or "[warn]" in t.stderr:
        sys.exit(f"nginx -t failed or warned about the documented configuration:\n{t.stderr}")
    server = subprocess.Popen([args.nginx, "-p", tmp, "-c", conf],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    failures = []

    def check(ok, what):
        print(("ok   " if ok else "FAIL ") + what)
        if not ok:
            failures.append(what)

    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        c = Client(port)

        status, h, body = c.get("/renkei/")
        check(status == 200 and h.get("content-type") == "text/html; charset=utf-8"
              and "みなと市民病院" in body.decode(), f"/renkei/ → {status} {h.get('content-type')}")
        check(h.get("cache-control") == "no-cache", f"pages are revalidated: {h.get('cache-control')}")
        status, h, _ = c.get("/renkei")
        check(status == 301 and h.get("location") == "/renkei/", f"/renkei → {status} {h.get('location')}")

        status, _, body = c.get("/renkei/partners/asahimachi-clinic/")
        check(status == 200 and "朝日町クリニック" in body.decode(), f"a partner's page → {status}")
        status, h, _ = c.get("/renkei/partners/asahimachi-clinic")
        check(status == 301 and h.get("location", "").endswith("/renkei/partners/asahimachi-clinic/"),
              f"no trailing slash → {status} {h.get('location')}")

        status, _, body = c.get("/renkei/news/category/休診・代診/")
        check(status == 200 and "休診・代診" in body.decode(), f"a Japanese path → {status}")

        status, _, _ = c.get("/renkei/.renkei-manifest")
        check(status == 404, f"renkei's bookkeeping is not served → {status}")

        page404 = open(os.path.join(public, "404.html"), "rb").read()
        status, h, body = c.get("/renkei/no-such-page/")
        check(status == 404 and body == page404, f"a missing page → {status}, renkei's 404 page: {body == page404}")

        seminar = next(d for d in sorted(os.listdir(os.path.join(public, "seminars")))
                       if os.path.isfile(os.path.join(public, "seminars", d, "seminar.ics")))
        doctor = next(d for d in sorted(os.listdir(os.path.join(public, "doctors")))
                      if os.path.isfile(os.path.join(public, "doctors", d, "contact.vcf")))
        for path, expected in [
            (f"/renkei/seminars/{seminar}/seminar.ics", "text/calendar; charset=utf-8"),
            (f"/renkei/doctors/{doctor}/contact.vcf", "text/vcard; charset=utf-8"),
            ("/renkei/data/partners.csv", "text/csv; charset=utf-8"),
            ("/renkei/assets/style.css", "text/css; charset=utf-8"),
            ("/renkei/assets/search.mjs", "text/javascript; charset=utf-8"),
            ("/renkei/news/atom.xml", "application/atom+xml; charset=utf-8"),
        ]:
            status, h, _ = c.get(path)
            check(status == 200 and h.get("content-type") == expected,
                  f"{path} → {status} {h.get('content-type')}")
        status, h, _ = c.get("/renkei/assets/style.css")
        check(h.get("cache-control") == "public, max-age=3600", f"assets are kept an hour: {h.get('cache-control')}")

        status, h, _ = c.get("/renkei-partners/")
        check(status == 401 and "www-authenticate" in h, f"partners without a password → {status}")
        status, _, _ = c.get("/renkei-partners/", auth=f"{USER}:wrong")
        check(status == 401, f"partners with a wrong password → {status}")
        status, h, body = c.get("/renkei-partners/partners/sakura-naika/", auth=f"{USER}:{PASSWORD}")
        check(status == 200 and "noindex" in h.get("x-robots-tag", ""),
              f"partners with the password → {status}, X-Robots-Tag {h.get('x-robots-tag')}")
        # What only the partners profile shows is there, and not on the public site.
        direct = "連携担当 看護師 山田 花子"
        public_page = c.get("/renkei/partners/sakura-naika/")[2].decode()
        check(direct in body.decode() and direct not in public_page,
              "a partners_only contact: on the partners site only")
        status, _, _ = c.get("/renkei-partners/no-such-page/", auth=f"{USER}:{PASSWORD}")
        check(status == 404, f"partners: a missing page → {status}")
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(tmp, ignore_errors=True)

    if failures:
        print(f"nginx: {len(failures)} failures")
        sys.exit(1)
    print("nginx: ok")


if __name__ == "__main__":
    main()
