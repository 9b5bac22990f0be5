/**
 * Descriptor and status flags of open file descriptors ({@code FD_CLOEXEC}, {@code O_NONBLOCK}), as
 * {@code fcntl(2)} reads and sets them.
 *
 * @see <a href="https://man7.org/linux/man-pages/man2/fcntl.2.html">fcntl(2)</a>
 */
package io.servd.daemon.fd;
