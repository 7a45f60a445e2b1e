package io.tributary.lake;

/**
 * Where datasets live in the lake, relative to the data directory: {@code datasets/<owner>/<dataset>/<job>.parquet}.
 * One folder per owner (a user's query sandbox may read that folder only), one per dataset, one file per
 * version (named by the job that wrote it). Rendered dashboard exports live under {@code exports/dashboards/<owner>/},
 * user-data exports under {@code exports/users/}.
 */
public final class LakePaths {

  /** The area of rendered dashboard exports: immutable objects that expire at a fixed age. */
  public static final String EXPORTS = "exports/dashboards/";

  private LakePaths() {
  }

  /** The folder of all of an owner's datasets. */
  public static String ownerDir(String ownerId) {
    return "datasets/" + ownerId;
  }

  /** The folder of one dataset (every version of it). */
  public static String datasetDir(String ownerId, String datasetId) {
    return ownerDir(ownerId) + "/" + datasetId;
  }

  /** The Parquet file a job writes for its dataset. */
  public static String datasetFile(String ownerId, String datasetId, String jobId) {
    return datasetDir(ownerId, datasetId) + "/" + jobId + ".parquet";
  }

  /** The file of one rendered export ({@code ext}: png or pdf). */
  public static String exportFile(String ownerId, String exportId, String ext) {
    return EXPORTS + ownerId + "/" + exportId + "." + ext;
  }

  /** The archive of a user-data (GDPR) export job; archives of older releases sit at {@code exports/<file>}. */
  public static String userExportFile(String userId, String jobId) {
    return "exports/users/user-" + userId + "-" + jobId + ".zip";
  }

  /** The lake path of an export row's {@code file_path} (older rows name the file alone, under exports/). */
  public static String exportPath(String filePath) {
    return filePath.contains("/") ? filePath : "exports/" + filePath;
  }
}
