package dev.parley.live.media;

/**
 * An AAC AudioSpecificConfig (the AAC sequence header of FLV), enough to write ADTS headers.
 *
 * @param objectType audio object type (2 = AAC LC)
 * @param frequencyIndex sampling frequency index
 * @param sampleRate sampling rate in Hz
 * @param channels channel configuration
 */
public record AacConfig(int objectType, int frequencyIndex, int sampleRate, int channels) {
  private static final int[] RATES = {96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025,
      8000, 7350};

  /** Parses it from an FLV AAC sequence header tag body; null if malformed. */
  public static AacConfig fromTag(byte[] tag) {
    if (tag.length < 4) {
      return null;
    }
    int b0 = tag[2] & 0xFF;
    int b1 = tag[3] & 0xFF;
    int objectType = b0 >> 3;
    int freq = ((b0 & 0x07) << 1) | (b1 >> 7);
    int channels = (b1 >> 3) & 0x0F;
    if (objectType == 0 || freq >= RATES.length) {
      return null;
    }
    return new AacConfig(objectType, freq, RATES[freq], channels);
  }

  /** The 7-byte ADTS header of a raw AAC frame of {@code length} bytes. */
  public void adtsHeader(byte[] out, int off, int length) {
    int frameLength = length + 7;
    int profile = Math.max(0, Math.min(3, objectType - 1));
    out[off] = (byte) 0xFF;
    out[off + 1] = (byte) 0xF1; // MPEG-4, layer 0, no CRC
    out[off + 2] = (byte) ((profile << 6) | (frequencyIndex << 2) | ((channels >> 2) & 0x01));
    out[off + 3] = (byte) (((channels & 0x03) << 6) | ((frameLength >> 11) & 0x03));
    out[off + 4] = (byte) ((frameLength >> 3) & 0xFF);
    out[off + 5] = (byte) (((frameLength & 0x07) << 5) | 0x1F);
    out[off + 6] = (byte) 0xFC;
  }
}
