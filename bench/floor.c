/* floor ENTRY: the least a cached token lookup can do, as a program. It opens the
 * one cache entry file it is given (`<32 hex>.json` in cytoken's cache dir),
 * reads it, finds the "access_token" JSON string and prints it with a newline:
 * no argv parsing, no config, no cache key, no expiry check, no lock. bench/run
 * builds it static (as cytoken is on glibc Linux) and measures cached `cytoken
 * token` against it and against /bin/true, so the ratio says what cytoken adds
 * beyond starting a process and reading one file. Exits 1 on anything
 * unexpected (a missing key, an escape it does not decode), 2 on bad usage. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

static char buf[64 * 1024];

static char *skip_ws(char *p) {
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') p++;
    return p;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        static const char usage[] = "usage: floor ENTRY.json\n";
        (void)!write(2, usage, sizeof usage - 1);
        return 2;
    }
    int fd = open(argv[1], O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 1;
    size_t len = 0;
    for (;;) {
        ssize_t n = read(fd, buf + len, sizeof buf - 1 - len);
        if (n < 0) return 1;
        if (n == 0 || (len += (size_t)n) == sizeof buf - 1) break;
    }
    close(fd);
    buf[len] = '\0';

    static const char key[] = "\"access_token\"";
    char *p = memmem(buf, len, key, sizeof key - 1);
    if (p == NULL) return 1;
    p = skip_ws(p + sizeof key - 1);
    if (*p++ != ':') return 1;
    p = skip_ws(p);
    if (*p++ != '"') return 1;
    char *start = p, *w = p; /* decoded in place: the output is never longer */
    for (;;) {
        char c = *p++;
        if (c == '"') break;
        if ((unsigned char)c < 0x20) return 1; /* the end of the buffer, or bad JSON */
        if (c == '\\') {
            switch (c = *p++) {
            case '"': case '\\': case '/': break;
            default: return 1; /* a token never holds other escapes */
            }
        }
        *w++ = c;
    }
    *w++ = '\n';
    for (char *o = start; o < w;) {
        ssize_t n = write(1, o, (size_t)(w - o));
        if (n <= 0) return 1;
        o += n;
    }
    return 0;
}
