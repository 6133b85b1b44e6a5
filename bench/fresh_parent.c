/* fresh-parent CMD [ARGS...]: runs CMD (an absolute path) as the child of a new
 * process and exits with its status. bench/run puts it in front of a credential
 * plugin so that every timed call has a parent of its own, as every kubectl
 * command does, instead of hyperfine being the parent of all of them. It costs
 * one small process start, measured on its own as `fresh-parent /bin/true`. */
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

extern char **environ;

int main(int argc, char **argv) {
    if (argc < 2) {
        fputs("usage: fresh-parent CMD [ARGS...]\n", stderr);
        return 2;
    }
    pid_t pid;
    int err = posix_spawn(&pid, argv[1], NULL, NULL, argv + 1, environ);
    if (err != 0) {
        fprintf(stderr, "fresh-parent: %s: %s\n", argv[1], strerror(err));
        return 127;
    }
    int status;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            perror("fresh-parent: waitpid");
            return 1;
        }
    }
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    return 128 + WTERMSIG(status);
}
