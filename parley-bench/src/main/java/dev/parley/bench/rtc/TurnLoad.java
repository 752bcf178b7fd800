package dev.parley.bench.rtc;

import dev.parley.rtc.auth.Authenticator;
import dev.parley.rtc.auth.RestCredentials;
import dev.parley.rtc.stun.StunAttr;
import dev.parley.rtc.stun.StunDecoder;
import dev.parley.rtc.stun.StunMessage;
import dev.parley.rtc.stun.StunMessageBuilder;
import dev.parley.rtc.stun.StunMethod;
import dev.parley.rtc.stun.TransportAddress;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * The client load: N allocations, each with a channel bound to its own peer socket; ChannelData
 * from each client to its peer and raw datagrams from each peer back to the relayed address, at a
 * fixed total rate or as fast as the sockets take them. Runs on epoll with batched writes
 * (sendmmsg) and reads (recvmmsg) so the generator stays cheap.
 */
final class TurnLoad implements AutoCloseable {
  private static final int CHANNEL = 0x4000;

  /** Counters of one run. */
  final LongAdder sentToPeer = new LongAdder();
  final LongAdder receivedAtPeer = new LongAdder();
  final LongAdder sentToClient = new LongAdder();
  final LongAdder receivedAtClient = new LongAdder();

  private final EventLoopGroup group;
  private final InetSocketAddress server;
  private final int payload;
  private final String secret;
  private final List<Pair> pairs = new ArrayList<>();
  private final Map<String, CompletableFuture<StunMessage>> pending = new ConcurrentHashMap<>();
  private volatile int generation;

  /** One allocation: the client socket, its peer socket, and the relayed address. */
  private final class Pair {
    Channel client;
    Channel peer;
    InetSocketAddress relayed;
    ByteBuf channelFrame;
    ByteBuf peerDatagram;
    long sentA;
    long sentB;
  }

  TurnLoad(EventLoopGroup group, InetSocketAddress server, int payload, String secret) {
    this.group = group;
    this.server = server;
    this.payload = payload;
    this.secret = secret;
  }

  private Channel bind(EventLoop loop, SimpleChannelInboundHandler<DatagramPacket> handler) {
    return new Bootstrap().group(loop).channel(EpollDatagramChannel.class)
        .option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, 2048)
        .option(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(2048 * 16))
        .option(ChannelOption.SO_RCVBUF, 4 << 20)
        .option(ChannelOption.SO_SNDBUF, 4 << 20)
        .handler(handler)
        .bind(new InetSocketAddress("127.0.0.1", 0)).syncUninterruptibly().channel();
  }

  /** Creates {@code n} allocations with a channel to their peers. */
  void setup(int n) throws Exception {
    RestCredentials.Credentials cred = new RestCredentials(secret).mint("bench", Duration.ofHours(2), Instant.now());
    for (int i = 0; i < n; i++) {
      EventLoop loop = group.next();
      Pair p = new Pair();
      p.client = bind(loop, new ClientHandler());
      p.peer = bind(loop, new PeerHandler());
      StunMessage challenge = request(p.client, StunMethod.ALLOCATE, b -> b.add(StunAttr.REQUESTED_TRANSPORT,
          new byte[] {17, 0, 0, 0}), null, null);
      String realm = challenge.text(StunAttr.REALM);
      String nonce = challenge.text(StunAttr.NONCE);
      byte[] key = Authenticator.longTermKey(cred.username(), realm, cred.password());
      Auth auth = new Auth(cred.username(), realm, nonce, key);
      StunMessage allocated = request(p.client, StunMethod.ALLOCATE, b -> b.add(StunAttr.REQUESTED_TRANSPORT,
          new byte[] {17, 0, 0, 0}), auth, "allocate");
      p.relayed = allocated.address(StunAttr.XOR_RELAYED_ADDRESS).toSocketAddress();
      TransportAddress peer = TransportAddress.of((InetSocketAddress) p.peer.localAddress());
      request(p.client, StunMethod.CHANNEL_BIND, b -> b.u32(StunAttr.CHANNEL_NUMBER, ((long) CHANNEL) << 16)
          .address(StunAttr.XOR_PEER_ADDRESS, peer), auth, "channel bind");
      p.channelFrame = Unpooled.directBuffer(4 + payload).writeShort(CHANNEL).writeShort(payload).writeZero(payload);
      p.peerDatagram = Unpooled.directBuffer(payload).writeZero(payload);
      pairs.add(p);
    }
  }

  private record Auth(String username, String realm, String nonce, byte[] key) {}

  private StunMessage request(Channel ch, int method, Consumer<StunMessageBuilder> attrs, Auth auth,
      String what) throws Exception {
    for (int attempt = 0; attempt < 5; attempt++) {
      byte[] tid = new byte[12];
      ThreadLocalRandom.current().nextBytes(tid);
      StunMessageBuilder b = StunMessageBuilder.of(method, StunMethod.REQUEST, tid);
      attrs.accept(b);
      byte[] wire;
      if (auth != null) {
        b.text(StunAttr.USERNAME, auth.username).text(StunAttr.REALM, auth.realm).text(StunAttr.NONCE, auth.nonce);
        wire = b.build(auth.key, StunMessageBuilder.Integrity.SHA1, false);
      } else {
        wire = b.build();
      }
      CompletableFuture<StunMessage> f = new CompletableFuture<>();
      pending.put(HexFormat.of().formatHex(tid), f);
      ch.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(wire), server));
      try {
        StunMessage r = f.get(1, TimeUnit.SECONDS);
        if (what != null && r.cls() != StunMethod.SUCCESS) {
          throw new IllegalStateException(what + " failed: " + HexFormat.of().formatHex(r.get(StunAttr.ERROR_CODE).value()));
        }
        return r;
      } catch (TimeoutException e) {
        pending.remove(HexFormat.of().formatHex(tid));
      }
    }
    throw new IllegalStateException("no answer from the TURN server at " + server);
  }

  /**
   * Sends for {@code millis}: {@code ratePerDirection} datagrams per second in each direction across
   * all allocations, or as fast as the sockets take them when the rate is 0.
   */
  void run(long ratePerDirection, long millis) throws InterruptedException {
    int gen = ++generation;
    long start = System.nanoTime();
    List<EventLoop> loops = new ArrayList<>();
    for (Pair p : pairs) {
      p.sentA = 0;
      p.sentB = 0;
      if (!loops.contains(p.client.eventLoop())) {
        loops.add(p.client.eventLoop());
      }
    }
    double perPair = ratePerDirection / (double) pairs.size();
    for (EventLoop loop : loops) {
      List<Pair> mine = pairs.stream().filter(p -> p.client.eventLoop() == loop).toList();
      loop.execute(new Runnable() {
        @Override
        public void run() {
          if (generation != gen) {
            return;
          }
          double elapsed = (System.nanoTime() - start) / 1e9;
          for (Pair p : mine) {
            long dueA = perPair > 0 ? (long) (elapsed * perPair) - p.sentA : 16;
            long dueB = perPair > 0 ? (long) (elapsed * perPair) - p.sentB : 16;
            for (long i = 0; i < dueA && p.client.isWritable(); i++) {
              p.client.write(new DatagramPacket(p.channelFrame.retainedDuplicate(), server), p.client.voidPromise());
              p.sentA++;
              sentToPeer.increment();
            }
            for (long i = 0; i < dueB && p.peer.isWritable(); i++) {
              p.peer.write(new DatagramPacket(p.peerDatagram.retainedDuplicate(), p.relayed), p.peer.voidPromise());
              p.sentB++;
              sentToClient.increment();
            }
            p.client.flush();
            p.peer.flush();
          }
          if (perPair > 0) {
            loop.schedule(this, 1, TimeUnit.MILLISECONDS);
          } else {
            loop.execute(this);
          }
        }
      });
    }
    Thread.sleep(millis);
    generation++;
  }

  private final class ClientHandler extends SimpleChannelInboundHandler<DatagramPacket> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) throws Exception {
      ByteBuf c = packet.content();
      int first = c.getUnsignedByte(c.readerIndex());
      if ((first & 0xC0) == 0x40) {
        receivedAtClient.increment();
        return;
      }
      StunMessage m = StunDecoder.decode(ByteBufUtil.getBytes(c));
      CompletableFuture<StunMessage> f = pending.remove(HexFormat.of().formatHex(m.transactionId()));
      if (f != null) {
        f.complete(m);
      }
    }
  }

  private final class PeerHandler extends SimpleChannelInboundHandler<DatagramPacket> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
      receivedAtPeer.increment();
    }
  }

  @Override
  public void close() {
    generation++;
    for (Pair p : pairs) {
      p.client.close();
      p.peer.close();
      p.channelFrame.release();
      p.peerDatagram.release();
    }
  }
}
