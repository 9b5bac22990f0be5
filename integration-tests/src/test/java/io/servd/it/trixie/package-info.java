/**
 * ITs that run on the trixie test-bed VM (Debian 13: systemd 257, kernel 6.12) instead of
 * bookworm's (systemd 252): what systemd 253 and later do differently, or newly — Type=notify-reload
 * here; MemoryPressureWatch= (254) and the newer FD-store rules next. Failsafe's {@code trixie}
 * execution runs every {@code *IT} class in this package (and below it) in a JVM of its own, which
 * boots the trixie VM once, after the bookworm execution has powered its VM off; VmExtension picks
 * the VM by this package name ({@code VmExtension.TRIXIE_PACKAGE}). A class checked on both
 * versions is written once, as an abstract class or an overridable IT outside this package, and
 * extended here with what differs (see {@code TrixiePackageIT}); a class that only makes sense on
 * 257 lives here alone (see {@code NotifyReloadIT}). integration-tests/vm/README.md says more.
 */
package io.servd.it.trixie;
