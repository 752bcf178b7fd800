// Uploads a file with tus-js-client (node). Args: endpoint token path chunkSize [sha256]
// Prints "FILE <id>" once the server names the file made, then "DONE"; exits 1 on error.
const tus = require('tus-js-client');
const fs = require('fs');
const [endpoint, token, path, chunkSize, sha256] = process.argv.slice(2);
const metadata = { filename: require('path').basename(path), filetype: 'application/octet-stream' };
if (sha256) metadata.sha256 = sha256;
let fileId = null;
const upload = new tus.Upload(fs.readFileSync(path), {
  endpoint,
  headers: { Authorization: 'Bearer ' + token },
  chunkSize: Number(chunkSize),
  metadata,
  retryDelays: Array(200).fill(20),
  onAfterResponse(req, res) {
    const id = res.getHeader('Parley-File-Id');
    if (id && !fileId) {
      fileId = id;
      console.log('FILE ' + id);
      if (req.getMethod() === 'POST') {
        // Instant upload: the server holds this content; the file exists, send nothing more.
        upload.abort().then(() => { console.log('DONE'); process.exit(0); });
      }
    }
  },
  onSuccess() { console.log('DONE'); process.exit(0); },
  onError(e) { console.error('ERROR ' + e); process.exit(1); },
});
upload.start();
