package io.tributary.source;

import io.tributary.bus.ApiException;
import io.tributary.bus.ErrorCode;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

@DisplayName("The key that seals connection passwords")
class SecretBoxTest {

  @Test
  @DisplayName("nodes reading one key file open each other's passwords; another key is refused, naming both")
  void sharedKeyFile(@TempDir Path dir) throws Exception {
    Path shared = dir.resolve("shared").resolve("sources.key");
    SecretBox first = SecretBox.load(null, shared.toString(), dir.resolve("node-a").resolve("keys"));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(shared))).isEqualTo("rw-------");
    SecretBox second = SecretBox.load(null, shared.toString(), dir.resolve("node-b").resolve("keys"));
    byte[] sealed = first.encrypt("pa55word");
    assertThat(second.decrypt(sealed, first.keyId())).isEqualTo("pa55word");
    assertThat(Files.exists(dir.resolve("node-b").resolve("keys").resolve("sources.key"))).isFalse();

    SecretBox own = SecretBox.load(null, null, dir.resolve("node-c").resolve("keys"));
    ApiException refused = catchThrowableOfType(() -> own.decrypt(sealed, first.keyId()), ApiException.class);
    assertThat(refused.code()).isEqualTo(ErrorCode.SOURCE_FAILED);
    assertThat(refused.getMessage()).contains(first.keyId()).contains(own.keyId())
      .contains("sources.encryption_key_file").doesNotContain("pa55word");
  }
}
