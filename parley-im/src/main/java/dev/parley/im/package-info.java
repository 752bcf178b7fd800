/**
 * The IM service: {@code ImModule}, the module the server loads, which builds the
 * parts in the subpackages and wires them together. Public: the module is found through
 * {@code META-INF/services}; tests reach the running directory and meters through it.
 *
 * <p>The layers, each package depending only on packages of the rows below it (checked by
 * {@code ArchitectureTest}; nothing depends on this package):
 *
 * <pre>
 *   im                            wiring
 *   admin, net                    admin API; connections and their pipelines
 *   login, handler                login and session lifecycle; requests
 *   gateway, presence, delivery   other modules' hooks; presence; the in-process router
 *   config, metrics               settings; meters
 *   session                       the Session, Directory and Router seams
 *   store, wire                   the ImStore seam (store.sql implements it); outgoing frames
 * </pre>
 *
 * <p>Threading: a connection's state belongs to its event loop ("event loop" in a Javadoc means
 * that one); store writes run on the store's single writer thread and answer there after the
 * commit; reads and presence announcements run on their own threads; nothing blocks an event loop.
 */
package dev.parley.im;
