package dev.parley.live.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;

class SerialExecutorTest {
  @Test
  void tasksRunInOrderAndTheBoundRefusesTheRest() {
    ArrayDeque<Runnable> held = new ArrayDeque<>();
    SerialExecutor e = new SerialExecutor(held::add, 2);
    List<Integer> ran = new CopyOnWriteArrayList<>();
    assertThat(e.execute(() -> ran.add(1))).isTrue();
    assertThat(e.execute(() -> ran.add(2))).isTrue();
    assertThat(e.execute(() -> ran.add(3))).isFalse(); // two waiting: the bound
    e.executeFinally(() -> ran.add(4)); // past the bound
    assertThat(held).hasSize(1); // one drain for the lot
    held.poll().run();
    assertThat(ran).containsExactly(1, 2, 4);
  }

  @Test
  void aFinalTaskRunsHereWhenThePoolRefuses() {
    Executor refusing = r -> {
      throw new RejectedExecutionException("full");
    };
    SerialExecutor e = new SerialExecutor(refusing, 2);
    List<String> ran = new CopyOnWriteArrayList<>();
    assertThat(e.execute(() -> ran.add("write"))).isFalse(); // an ordinary task is lost with the pool full
    e.executeFinally(() -> ran.add("close " + Thread.currentThread().getName()));
    assertThat(ran).containsExactly("close " + Thread.currentThread().getName());
    assertThat(e.execute(() -> ran.add("again"))).isFalse(); // the executor is usable after it
  }

  @Test
  void aFailingTaskDoesNotStopTheOnesAfterIt() {
    ArrayDeque<Runnable> held = new ArrayDeque<>();
    SerialExecutor e = new SerialExecutor(held::add, 4);
    List<Integer> ran = new CopyOnWriteArrayList<>();
    e.execute(() -> {
      throw new IllegalStateException("disk on fire");
    });
    e.execute(() -> ran.add(2));
    held.poll().run();
    assertThat(ran).containsExactly(2);
  }
}
