"""A reliability diagram (confidence against accuracy) as a small standalone SVG."""

from __future__ import annotations

from html import escape

from cookiegov.evaluate import Evaluation

W, H, PAD = 360, 300, 40


def reliability_svg(ev: Evaluation, title: str) -> str:
    plot_w, plot_h = W - 2 * PAD, H - 2 * PAD

    def x(v: float) -> float:
        return PAD + v * plot_w

    def y(v: float) -> float:
        return H - PAD - v * plot_h

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" '
        f'viewBox="0 0 {W} {H}" font-family="sans-serif" font-size="11">',
        f'<rect width="{W}" height="{H}" fill="#fff"/>',
        f'<text x="{W / 2}" y="16" text-anchor="middle" font-size="12">{escape(title)}</text>',
        f'<line x1="{x(0)}" y1="{y(0)}" x2="{x(1)}" y2="{y(1)}" stroke="#999" '
        'stroke-dasharray="4 3"/>',
        f'<line x1="{x(0)}" y1="{y(0)}" x2="{x(1)}" y2="{y(0)}" stroke="#333"/>',
        f'<line x1="{x(0)}" y1="{y(0)}" x2="{x(0)}" y2="{y(1)}" stroke="#333"/>',
    ]
    for t in (0.0, 0.5, 1.0):
        parts.append(f'<text x="{x(t)}" y="{y(0) + 14}" text-anchor="middle">{t:.1f}</text>')
        parts.append(f'<text x="{x(0) - 6}" y="{y(t) + 4}" text-anchor="end">{t:.1f}</text>')
    parts.append(f'<text x="{W / 2}" y="{H - 8}" text-anchor="middle">confidence</text>')
    parts.append(
        f'<text x="12" y="{H / 2}" transform="rotate(-90 12 {H / 2})" '
        'text-anchor="middle">accuracy</text>'
    )
    biggest = max((n for _, _, n, _, _ in ev.reliability()), default=1)
    for lo, hi, n, _conf, acc in ev.reliability():
        bar_w = (hi - lo) * plot_w - 2
        opacity = 0.35 + 0.65 * n / biggest
        parts.append(
            f'<rect x="{x(lo) + 1:.1f}" y="{y(acc):.1f}" width="{bar_w:.1f}" '
            f'height="{y(0) - y(acc):.1f}" fill="#1f6feb" fill-opacity="{opacity:.2f}">'
            f"<title>{lo:.1f}-{hi:.1f}: {n} cookies, {acc:.0%} right</title></rect>"
        )
        parts.append(
            f'<text x="{x((lo + hi) / 2):.1f}" y="{y(acc) - 3:.1f}" text-anchor="middle" '
            f'font-size="9">{n}</text>'
        )
    parts.append(
        f'<text x="{x(0.02)}" y="{y(0.95)}">ECE {ev.calibration_error:.3f}, '
        f"{ev.total} cookies</text>"
    )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
