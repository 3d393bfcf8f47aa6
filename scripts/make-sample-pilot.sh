#!/usr/bin/env bash
# Makes the sample pilot used by the tests and `npm start` (media/sample-pilot.mp4 + .vtt + .jpg)
# with Debian's ffmpeg, offline: a 3-minute H.264/AAC MP4 with its index (moov) at the front
# (faststart, so playback can begin before the download ends) and a keyframe every 2 s (seeks),
# its captions, and its poster frame (one frame of the video, 960x540 JPEG, under 60 KB).
# The committed files were made with this script; re-run it only to change them.
# `--poster` makes only the poster, from the existing MP4.
set -euo pipefail
cd "$(dirname "$0")/../media"
duration=180

# The poster: the frame at 12 s, scaled to 16:9 960x540, JPEG quality 5 of ffmpeg's 2-31 scale.
make_poster() {
  ffmpeg -hide_banner -loglevel error -y -ss 12 -i sample-pilot.mp4 -frames:v 1 \
    -vf "scale=960:540:flags=lanczos" -q:v 5 sample-pilot.jpg
  local size
  size=$(stat -c %s sample-pilot.jpg)
  if ((size > 60 * 1024)); then
    echo "sample-pilot.jpg is ${size} bytes, over the 60 KB a poster may weigh: raise -q:v" >&2
    exit 1
  fi
  ls -l sample-pilot.jpg
}

if [[ ${1:-} == --poster ]]; then
  make_poster
  exit 0
fi
ffmpeg -hide_banner -loglevel error -y \
  -f lavfi -i "testsrc2=size=480x270:rate=24:duration=${duration}" \
  -f lavfi -i "sine=frequency=330:sample_rate=44100:duration=${duration},aformat=channel_layouts=mono" \
  -c:v libx264 -preset slow -profile:v main -pix_fmt yuv420p -b:v 140k -maxrate 200k -bufsize 400k \
  -g 48 -keyint_min 48 -sc_threshold 0 \
  -c:a aac -b:a 32k -movflags +faststart \
  -metadata title="The Long Dark Between (sample pilot)" sample-pilot.mp4

lines=(
  "[Engines hum] The survey ship Meridian drifts past the last charted beacon."
  "CAPTAIN OKAFOR: Log it. Day four hundred and twelve, and still nothing out here."
  "ENGINEER VASQUEZ: Nothing but a signal that repeats every ninety seconds."
  "OKAFOR: A pulsar?"
  "VASQUEZ: Pulsars don't count in primes."
  "[A low tone rises]"
  "OKAFOR: Wake the crew. Quietly."
  "NAVIGATOR REYES: Captain, the stars behind us are going out. One by one."
  "OKAFOR: Then we don't go back. We go toward it."
)
{
  echo "WEBVTT"
  echo
  i=0
  for ((start = 5; start + 8 <= duration; start += 20)); do
    text=${lines[$((i % ${#lines[@]}))]}
    printf '%d\n00:%02d:%02d.000 --> 00:%02d:%02d.000\n%s\n\n' $((i + 1)) $((start / 60)) $((start % 60)) $(((start + 8) / 60)) $(((start + 8) % 60)) "$text"
    i=$((i + 1))
  done
} > sample-pilot.vtt
ls -l sample-pilot.mp4 sample-pilot.vtt
make_poster
