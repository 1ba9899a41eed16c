package io.kubeopencode.contextinit.paths;

import static java.nio.file.attribute.PosixFilePermission.GROUP_READ;
import static java.nio.file.attribute.PosixFilePermission.OTHERS_READ;
import static java.nio.file.attribute.PosixFilePermission.OWNER_READ;
import static java.nio.file.attribute.PosixFilePermission.OWNER_WRITE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;

class ModesTest {

  @Test
  void apiModesBecomePermissions() {
    assertThat(Modes.permissions(420)).containsExactlyInAnyOrder(OWNER_READ, OWNER_WRITE, GROUP_READ, OTHERS_READ);
    assertThat(Modes.permissions(0)).isEmpty();
    for (int mode = 0; mode <= Modes.MAX; mode++) {
      String expected = PosixFilePermissions.toString(Modes.permissions(mode));
      assertThat(expected).as("mode %o", mode).isEqualTo(symbolic(mode));
    }
  }

  @Test
  void modesOutsideTheRangeAreRefused() {
    assertThat(Modes.valid(0777)).isTrue();
    assertThat(Modes.valid(01000)).isFalse();
    assertThat(Modes.valid(04755)).isFalse();
    assertThat(Modes.valid(-1)).isFalse();
    assertThatThrownBy(() -> Modes.permissions(04755)).hasMessage("file mode 2541 is not between 0 and 0777");
  }

  @Test
  void groupAndOthersGetTheOwnersPermissions() {
    assertThat(Modes.forAnyUser(0644)).isEqualTo(0666);
    assertThat(Modes.forAnyUser(0755)).isEqualTo(0777);
    assertThat(Modes.forAnyUser(0444)).isEqualTo(0444);
    assertThat(Modes.forAnyUser(0600)).isEqualTo(0666);
    assertThat(Modes.forAnyUser(0640)).isEqualTo(0666);
    assertThat(Modes.forAnyUser(0)).isZero();
    for (int mode = 0; mode <= Modes.MAX; mode++) {
      int shared = Modes.forAnyUser(mode);
      int owner = (mode >> 6) & 7;
      assertThat(shared & mode).as("mode %o keeps its bits", mode).isEqualTo(mode);
      assertThat(shared >> 6).as("mode %o: owner unchanged", mode).isEqualTo(owner);
      assertThat((shared >> 3) & 7).as("mode %o: group", mode).isEqualTo(((mode >> 3) & 7) | owner);
      assertThat(shared & 7).as("mode %o: others", mode).isEqualTo((mode & 7) | owner);
    }
  }

  @Test
  void octal() {
    assertThat(Modes.octal(420)).isEqualTo("0644");
    assertThat(Modes.octal(0)).isEqualTo("0000");
    assertThat(Modes.octal(0777)).isEqualTo("0777");
  }

  private static String symbolic(int mode) {
    String letters = "rwxrwxrwx";
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < 9; i++) {
      out.append((mode & (1 << (8 - i))) != 0 ? letters.charAt(i) : '-');
    }
    return out.toString();
  }
}
