/* stdin-from FILE CMD [ARGS...]: runs CMD (an absolute path) with FILE as its
 * standard input, by exec: no new process, only a second image start. bench/run
 * puts it in front of `cytoken git-credential get` because hyperfine 1.15 gives
 * every command /dev/null as stdin; its own cost is measured on its own as
 * `stdin-from FILE /bin/true` and taken out. */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 3) {
        fputs("usage: stdin-from FILE CMD [ARGS...]\n", stderr);
        return 2;
    }
    int fd = open(argv[1], O_RDONLY | O_CLOEXEC);
    if (fd < 0 || dup2(fd, 0) < 0) {
        perror(argv[1]);
        return 127;
    }
    execv(argv[2], argv + 2);
    perror(argv[2]);
    return 127;
}
