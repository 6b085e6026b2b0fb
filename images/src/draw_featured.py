#!/usr/bin/env python3
"""Draws the sample handbook's featured images (deterministic; needs Pillow).

    pip install pillow && python3 images/src/draw_featured.py

The PNGs are committed, so building the handbook does not need this script.
"""
import math
import os

from PIL import Image, ImageDraw, ImageFont

W, H = 1200, 630
OUT = os.path.join(os.path.dirname(__file__), "..", "featured")
INK = (31, 35, 40)
MUTED = (89, 99, 110)


def font(size, bold=False):
    for name in (["DejaVuSans-Bold.ttf"] if bold else ["DejaVuSans.ttf"]):
        for d in ("/usr/share/fonts/truetype/dejavu",):
            p = os.path.join(d, name)
            if os.path.exists(p):
                return ImageFont.truetype(p, size)
    return ImageFont.load_default(size=size)


def canvas(top, bottom):
    img = Image.new("RGB", (W, H))
    d = ImageDraw.Draw(img)
    for y in range(H):
        t = y / (H - 1)
        d.line([(0, y), (W, y)], fill=tuple(int(top[i] * (1 - t) + bottom[i] * t) for i in range(3)))
    return img, ImageDraw.Draw(img)


def centered(d, xy, text, f, fill):
    box = d.textbbox((0, 0), text, font=f)
    d.text((xy[0] - (box[2] - box[0]) / 2, xy[1] - (box[3] - box[1]) / 2 - box[1]), text, font=f, fill=fill)


def arrow(d, a, b, color, width=6, head=18, gap=0):
    ang = math.atan2(b[1] - a[1], b[0] - a[0])
    a = (a[0] + gap * math.cos(ang), a[1] + gap * math.sin(ang))
    b = (b[0] - gap * math.cos(ang), b[1] - gap * math.sin(ang))
    d.line([a, b], fill=color, width=width)
    for s in (-1, 1):
        d.line([b, (b[0] - head * math.cos(ang + s * 0.45), b[1] - head * math.sin(ang + s * 0.45))], fill=color, width=width)


def node(d, c, r, fill, label, sub):
    d.ellipse([c[0] - r, c[1] - r, c[0] + r, c[1] + r], fill=fill, outline=(255, 255, 255), width=6)
    centered(d, (c[0], c[1] - 12), label, font(30, True), (255, 255, 255))
    centered(d, (c[0], c[1] + 26), sub, font(20), (235, 240, 245))


def badge(d, c, n):
    d.ellipse([c[0] - 24, c[1] - 24, c[0] + 24, c[1] + 24], fill=(207, 34, 46), outline=(255, 255, 255), width=4)
    centered(d, c, str(n), font(24, True), (255, 255, 255))


def theory():
    img, d = canvas((247, 249, 252), (226, 234, 244))
    d.text((60, 44), "Auxiliary engagement", font=font(44, True), fill=INK)
    d.text((60, 104), "Where the six failure modes strike", font=font(26), fill=MUTED)
    team, eng, lead, plat = (330, 330), (700, 250), (1000, 380), (640, 520)
    for a, b in ((eng, team), (team, eng), (eng, lead), (lead, team)):
        pass
    arrow(d, eng, team, (80, 120, 170), gap=120)
    arrow(d, (team[0], team[1] + 40), (eng[0], eng[1] + 40), (80, 120, 170), gap=120)
    arrow(d, lead, eng, (80, 120, 170), gap=115)
    d.line([team, lead], fill=(180, 190, 205), width=4)
    d.rounded_rectangle([450, 490, 830, 580], radius=18, fill=(255, 255, 255), outline=(150, 165, 185), width=3)
    centered(d, (640, 520), "Platform tooling", font(26, True), INK)
    centered(d, (640, 556), "improvements found on the way", font(18), MUTED)
    arrow(d, (eng[0] - 20, eng[1] + 100), (640, 488), (150, 165, 185), width=4)
    node(d, team, 120, (9, 105, 218), "Team", "pairing, habits")
    node(d, eng, 110, (130, 80, 223), "Engineer", "embedded")
    node(d, lead, 105, (26, 127, 55), "Leadership", "goals, support")
    for c, n in (((785, 170), 1), ((610, 165), 2), ((860, 300), 3), ((830, 470), 4), ((215, 230), 5), ((420, 440), 6)):
        badge(d, c, n)
    img.save(os.path.join(OUT, "theory.png"), optimize=True)


def banner(name, title, sub, top, bottom, accent, motif):
    img, d = canvas(top, bottom)
    d.text((60, 60), title, font=font(52, True), fill=INK)
    d.text((60, 132), sub, font=font(26), fill=MUTED)
    motif(d, accent)
    img.save(os.path.join(OUT, name), optimize=True)


def pages_motif(d, accent):
    for i in range(4):
        x, y = 640 + i * 70, 250 - i * 30
        d.rounded_rectangle([x, y, x + 300, y + 340], radius=14, fill=(255, 255, 255), outline=accent, width=4)
        for j in range(6):
            d.line([x + 30, y + 60 + j * 42, x + 270 - (j % 3) * 40, y + 60 + j * 42], fill=(200, 208, 220), width=10)
    d.rounded_rectangle([60, 420, 520, 520], radius=16, fill=accent)
    centered(d, (290, 470), "content/ → public/", font(34, True), (255, 255, 255))


def pipeline_motif(d, accent):
    steps = ["discover", "load", "parse", "assemble", "render", "write"]
    for i, s in enumerate(steps):
        x = 60 + i * 185
        d.rounded_rectangle([x, 300, x + 160, 400], radius=14, fill=(255, 255, 255), outline=accent, width=4)
        centered(d, (x + 80, 350), s, font(24, True), INK)
        if i < len(steps) - 1:
            arrow(d, (x + 162, 350), (x + 184, 350), accent, width=5, head=12)


def theme_motif(d, accent):
    d.rounded_rectangle([600, 220, 1140, 580], radius=16, fill=(255, 255, 255), outline=(200, 208, 220), width=3)
    d.rectangle([600, 220, 1140, 270], fill=accent)
    d.rectangle([600, 270, 740, 580], fill=(240, 244, 248))
    for j in range(7):
        d.line([620, 300 + j * 36, 715, 300 + j * 36], fill=(190, 198, 210), width=10)
    d.rectangle([770, 295, 1110, 390], fill=(220, 230, 245))
    for j in range(4):
        d.line([770, 420 + j * 36, 1100 - j * 60, 420 + j * 36], fill=(200, 208, 220), width=10)
    for i, c in enumerate([(9, 105, 218), (26, 127, 55), (130, 80, 223), (207, 34, 46)]):
        d.ellipse([80 + i * 90, 420, 150 + i * 90, 490], fill=c)


def preview_motif(d, accent):
    d.rounded_rectangle([80, 250, 540, 560], radius=16, fill=(36, 41, 47))
    for j, (w, c) in enumerate([(300, (126, 231, 135)), (380, (210, 215, 220)), (240, (210, 215, 220)), (330, (255, 166, 87))]):
        d.line([110, 300 + j * 50, 110 + w, 300 + j * 50], fill=c, width=12)
    arrow(d, (560, 405), (660, 405), accent, width=8, head=22)
    d.rounded_rectangle([680, 220, 1140, 580], radius=16, fill=(255, 255, 255), outline=(200, 208, 220), width=3)
    d.rectangle([680, 220, 1140, 262], fill=(230, 234, 240))
    for i in range(3):
        d.ellipse([700 + i * 28, 233, 716 + i * 28, 249], fill=(200, 205, 212))
    for j in range(5):
        d.line([710, 300 + j * 48, 1100 - (j % 2) * 120, 300 + j * 48], fill=(200, 208, 220), width=12)
    centered(d, (910, 540), "reloads on save", font(24, True), accent)


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    theory()
    banner("getting-started.png", "Getting started", "From a folder of Markdown to a published handbook",
           (246, 250, 255), (214, 230, 250), (9, 105, 218), pages_motif)
    banner("pipeline.png", "How folio builds", "Six forward-only stages, I/O only at the ends",
           (250, 248, 255), (229, 222, 250), (130, 80, 223), pipeline_motif)
    banner("themes.png", "Themes", "Tera templates with a typed context",
           (247, 252, 248), (215, 238, 221), (26, 127, 55), theme_motif)
    banner("preview.png", "Live preview", "folio serve: edit, save, see",
           (255, 250, 245), (250, 228, 210), (188, 76, 0), preview_motif)
