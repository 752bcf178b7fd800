# Uploads a file with tuspy (Debian python3-tuspy). Args: endpoint token path chunk_size stop_at [url or -] [sha256]
# Prints "URL <upload url>" once the upload exists, and "OFFSET <bytes stored>" when it stops
# (at stop_at, or the end). The upload is created, and its offset asked, before the first chunk:
# one that the server holds already (named by sha256) is complete at once and sends nothing.
import sys
from tusclient import client

endpoint, token, path, chunk, stop_at = sys.argv[1:6]
url = sys.argv[6] if len(sys.argv) > 6 and sys.argv[6] != '-' else None
metadata = {'filename': path.split('/')[-1], 'filetype': 'application/octet-stream'}
if len(sys.argv) > 7:
    metadata['sha256'] = sys.argv[7]
c = client.TusClient(endpoint, headers={'Authorization': 'Bearer ' + token})
u = c.uploader(path, chunk_size=int(chunk), url=url, upload_checksum=True, metadata=metadata)
if not u.url:
    u.set_url(u.create_url())
print('URL ' + u.url, flush=True)
u.offset = u.get_offset()
u.upload(stop_at=int(stop_at))
print('OFFSET %d' % u.offset, flush=True)
