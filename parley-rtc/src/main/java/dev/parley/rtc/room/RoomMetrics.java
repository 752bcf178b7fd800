package dev.parley.rtc.room;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;

/** Meters of rooms: {@code parley_rtc_rooms} and {@code parley_rtc_rooms_participants}. */
public final class RoomMetrics {
  /** Rooms held now and participants in them (written by the signaling executor). */
  final AtomicInteger rooms = new AtomicInteger();
  final AtomicInteger participants = new AtomicInteger();

  public RoomMetrics(MeterRegistry r) {
    Gauge.builder("parley.rtc.rooms", rooms::get).description("Rooms held now").register(r);
    Gauge.builder("parley.rtc.rooms.participants", participants::get).description("Participants in rooms now")
        .register(r);
  }
}
