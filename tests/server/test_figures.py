"""Figures that hold up: comprehension is what was answered and not disowned, a translated
article counts once under its title, and deflection, escalation, trends and coverage add up."""
from __future__ import annotations

import csv
import io
import re
import secrets
import zlib
from datetime import datetime, timezone

from kb_snapshots.build import build
from tests.kb_snapshots.kbfactory import article, write_kb
from tests.kb_snapshots.test_vector_cache import CountingEmbedder

KB = {
    "articles/en/printer.md": article("Open tray 2.", id="printer-jam", title="Clear a paper jam", lang="en",
                                      questions=["printer jammed"]),
    "articles/fr/printer.md": article("Ouvrez le bac 2.", id="bourrage-papier", title="Débloquer l'imprimante",
                                      lang="fr", translation_of="printer-jam", questions=["imprimante bloquée"]),
    "articles/en/vpn.md": article("Reconnect.", id="vpn-drops", title="VPN keeps dropping", lang="en",
                                  questions=["vpn disconnects"]),
    "articles/en/wifi.md": article("Forget the network.", id="wifi-slow", title="Slow Wi-Fi", lang="en",
                                   questions=["wifi slow"]),
}


def publish_kb(harness, tmp_path) -> None:
    snapshot = tmp_path / "kb.sqlite"
    build(write_kb(tmp_path / "kb", KB), snapshot, version=1, embedder=CountingEmbedder())
    harness.publish(snapshot, 1)


def send(harness, **counters) -> None:
    day = {"day": datetime.now(timezone.utc).date().isoformat(), "counters": counters, "unanswered": {}}
    reply = harness.client.post("/v1/stats/batches", json={"batch_id": secrets.token_hex(16), "days": [day]},
                                headers=harness.install)
    assert reply.status_code == 200 and reply.json()["ignored"] == 0, reply.text


def figures(harness) -> dict:
    return harness.client.get("/v1/admin/stats?days=30", headers=harness.admin).json()


def test_did_you_mean_and_disowned_answers_are_not_counted_as_understood(any_server, tmp_path):
    publish_kb(any_server, tmp_path)
    send(any_server, dialogue_started={"": 8}, question_understood={"": 10}, question_choose={"": 4},
         choose_picked={"": 3}, question_not_understood={"": 6}, feedback_helpful={"printer-jam": 5},
         feedback_unhelpful={"vpn-drops": 2}, tree_completed={}, ticket_created={})
    totals = figures(any_server)["totals"]
    assert totals["interactions"] == 20
    assert totals["comprehension_rate"] == 0.4            # (10 answered - 2 disowned) / 20 questions
    assert totals["choose_rate"] == 0.2 and totals["choose_picked"] == 3 and totals["choose_abandoned"] == 1
    assert totals["not_understood_rate"] == 0.3
    assert totals["interactions_per_dialogue"] == 2.5
    assert totals["helpful_rate"] == round(5 / 7, 4)


def test_deflection_and_escalation(server, tmp_path):
    publish_kb(server, tmp_path)
    send(server, dialogue_started={"": 10}, question_understood={"": 10}, feedback_helpful={"printer-jam": 5},
         ticket_created={"": 2})
    with server.db.transaction() as tx:     # three guided steps completed (tree ids are not in this KB)
        tx.execute("INSERT INTO stats_daily (day, metric, key, count) VALUES (?, 'tree_completed', '', 3)",
                   (datetime.now(timezone.utc).date().isoformat(),))
    totals = figures(server)["totals"]
    assert totals["solved_without_ticket"] == 8
    assert totals["deflection_rate"] == 0.8 and totals["escalation_rate"] == 0.2


def test_a_translated_article_counts_once_under_its_title(any_server, tmp_path):
    publish_kb(any_server, tmp_path)
    send(any_server, article_used={"printer-jam": 5, "bourrage-papier": 4, "vpn-drops": 1})
    top = figures(any_server)["top_articles"]
    assert [(row["title"], row["count"]) for row in top] == [("Clear a paper jam", 9), ("VPN keeps dropping", 1)]


def test_coverage_says_how_many_articles_answer_most_questions(server, tmp_path):
    publish_kb(server, tmp_path)
    send(server, article_used={"printer-jam": 6, "bourrage-papier": 2, "vpn-drops": 1, "wifi-slow": 1})
    coverage = figures(server)["coverage"]
    assert coverage["entries_used"] == 3 and coverage["entries_needed"] == 1      # 8 of 10 uses: 80%
    assert coverage["curve"] == [[1, 0.8], [2, 0.9], [3, 1.0]]


def test_monthly_trend_covers_the_last_twelve_months(server, tmp_path):
    publish_kb(server, tmp_path)
    send(server, dialogue_started={"": 3}, question_understood={"": 4})
    monthly = figures(server)["monthly"]
    this_month = datetime.now(timezone.utc).strftime("%Y-%m")
    assert len(monthly) == 12 and monthly[-1]["month"] == this_month
    assert monthly[-1]["dialogues"] == 3 and monthly[-1]["comprehension_rate"] == 1.0
    assert all(row["dialogues"] == 0 for row in monthly[:-1])
    assert monthly[0]["month"] < monthly[-1]["month"]


def pdf_text(data: bytes) -> str:
    """The text drawn in a PDF's (deflated) content streams."""
    texts = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, flags=re.S):
        try:
            texts.append(zlib.decompress(stream).decode("latin-1"))
        except zlib.error:
            continue
    return "".join(texts)


def test_the_monthly_report_compares_this_month_with_the_last_as_csv_and_pdf(server, tmp_path):
    publish_kb(server, tmp_path)
    send(server, dialogue_started={"": 4}, question_understood={"": 8}, question_not_understood={"": 2},
         article_used={"printer-jam": 3, "bourrage-papier": 2}, ticket_created={"": 1})
    month = datetime.now(timezone.utc).strftime("%Y-%m")
    csv_reply = server.client.get(f"/v1/admin/report.csv?month={month}", headers=server.admin)
    assert csv_reply.status_code == 200 and csv_reply.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(csv_reply.text)))
    figures = {row[0]: row[1:] for row in rows if row}
    assert figures["Comprehension (answered, not disowned)"][0] == "80.0%"
    assert figures["Dialogues"] == ["4", "0"] and figures["Clear a paper jam"][0] == "5"
    pdf = server.client.get(f"/v1/admin/report.pdf?month={month}", headers=server.admin)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    text = pdf_text(pdf.content)
    assert "Clear a paper jam" in text and "80.0%" in text


def test_the_monthly_report_needs_the_stats_scope_and_a_real_month(server):
    assert server.client.get("/v1/admin/report.pdf").status_code == 401
    assert server.client.get("/v1/admin/report.csv?month=2026-13", headers=server.admin).status_code == 422
    assert server.client.get("/v1/admin/report.csv?month=1999-01", headers=server.admin).status_code == 422
    assert server.client.get("/v1/admin/report.csv", headers=server.admin).status_code == 200   # last month


def test_the_dashboard_shows_the_new_figures_and_titles(server, tmp_path):
    publish_kb(server, tmp_path)
    send(server, dialogue_started={"": 2}, question_understood={"": 3}, question_choose={"": 1},
         article_used={"bourrage-papier": 2})
    server.client.post("/admin/login", data={"token": server.admin_token})
    page = server.client.get("/admin").text
    for shown in ("Comprehension", "Did you mean", "Deflection", "Satisfaction", "Bookings", "Coverage",
                  "Comprehension per month", "Clear a paper jam", "Monthly report (PDF)"):
        assert shown in page, shown
    assert "bourrage-papier" not in page
