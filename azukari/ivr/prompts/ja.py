"""日本語のプロンプト (the Japanese catalogue). Polite, short enough for a phone."""
from __future__ import annotations

# `ask.<step>` is the question of a step; `key@sms` is the wording for a text message.
# Prompts never carry a date of an existing booking, a booking number or a phone number.
MESSAGES: dict[str, str] = {
    "welcome": "お電話ありがとうございます。一時預かりの予約受付です。",
    "ask.language": "日本語でのご案内は、1を押してください。",
    "language.english": "For English, press 2.",  # said in English by voice.py
    "ask.id_choice": "世帯IDと電話予約用の暗証番号をお持ちのかたは1を、お持ちでないかたは2を押してください。",
    "ask.household_id": "世帯IDを入力し、最後にシャープを押してください。",
    "ask.pin": "電話予約用の暗証番号を入力し、最後にシャープを押してください。",
    "ask.child_name": "お子さまのお名前を、フルネームでおっしゃってください。",
    "ask.child_name@sms": "お子さまのお名前をフルネームで送ってください。",
    "ask.birthdate": "お子さまの生年月日を、西暦の年4けた、月2けた、日2けたの、8けたの数字で入力してください。",
    "ask.birthdate@sms": "お子さまの生年月日を送ってください。(例: 2024/5/1)",
    "ask.address": "ご登録の住所を、都道府県からおっしゃってください。",
    "ask.address@sms": "ご登録の住所を送ってください。",
    "ask.guardian_name": "保護者のかたのお名前を、フルネームでおっしゃってください。",
    "ask.guardian_name@sms": "保護者のかたのお名前をフルネームで送ってください。",
    "ask.menu": ("新しくご予約されるかたは1を、ご予約の取り消しは2を、ご予約の一覧をご登録の電話番号へSMSで"
                 "お送りする場合は3を、職員とのお話をご希望のかたは0を押してください。"
                 "もう一度お聞きになるには、アスタリスクを押してください。"),
    "ask.menu@sms": ("ご用件の番号を送ってください。\n1 新しく予約する\n2 予約を取り消す\n"
                     "3 予約の一覧をご登録の番号へSMSで送る"),
    "ask.date": "ご希望の日付を、月2けた、日2けたの4けたの数字で入力し、最後にシャープを押してください。",
    "ask.date@sms": "ご希望の日付を送ってください。(例: 12/3)",
    "day_heading": "{date}ですね。空きのある施設をご案内します。",
    "day_heading@sms": "{date}の空き状況です。",
    "unit_heading": "{facility}の、空きのある時間をご案内します。",
    "choice.facility": "{label}",
    "choice.unit": "{label}",
    "choice.option": "{facility} {starts}-{ends}",
    "press": "{label}は、{number}を。",
    "ask.facility": "ご希望の施設の番号を押してください。",
    "ask.unit": "ご希望の時間の番号を押してください。",
    "ask.options": "ご希望の番号を送ってください。",
    "confirm_summary": "{date}、{time}、{facility}です。料金は{fee}です。",
    "ask.confirm": "この内容でご予約される場合は1を、選び直す場合は2を押してください。",
    "ask.confirm@sms": "この内容で予約する場合は「はい」、選び直す場合は「いいえ」と送ってください。",
    "booked": "ご予約を承りました。ご予約の詳細は、ご登録の電話番号へSMSでお送りします。",
    "ask.next": "続けてご予約される場合は1を、終了する場合は9を押してください。",
    "ask.next@sms": "続けて予約する場合は1、終わる場合は9を送ってください。",
    "choose_again": "かしこまりました。もう一度、日付からお選びください。",
    "cannot_book": "申し訳ありません。この時間はご予約できませんでした。別の日時をお選びください。",
    "refusal.closed": "申し訳ありません。その日は休業日です。別の日をお選びください。",
    "refusal.outside_window": ("申し訳ありません。その日はご予約の受付期間外です。"
                               "明日以降の、受付期間内の日をお選びください。"),
    "refusal.full": "申し訳ありません。その日はご予約いただける空きがありません。別の日をお選びください。",
    "refusal.expired_registration": ("申し訳ありません。その日はご登録の有効期間を過ぎているため、ご予約できません。"
                                     "登録の更新は、各施設の窓口で承ります。"),
    "ask.cancel_ref": ("取り消すご予約の予約番号を入力し、最後にシャープを押してください。"
                       "予約番号は、確認のSMSに記載しています。"),
    "ask.cancel_ref@sms": "取り消すご予約の予約番号を送ってください。",
    "ask.cancel_confirm": "そのご予約を取り消す場合は1を、取り消さない場合は2を押してください。",
    "ask.cancel_confirm@sms": "取り消す場合は「はい」、取り消さない場合は「いいえ」と送ってください。",
    "cancel_requested": "お手続きを承りました。結果は、ご登録の電話番号へSMSでお知らせします。",
    "cancel_kept": "取り消しは行いませんでした。",
    "bookings_sent": "ご予約の一覧を、ご登録の電話番号へSMSでお送りしました。",
    "verified": "ご本人の確認ができました。",
    "verify_failed": "申し訳ありません。ご本人の確認ができませんでした。もう一度お願いいたします。",
    "verify_failed_final": "申し訳ありません。ご本人の確認ができませんでした。",
    "failed_goodbye": "お手数ですが、施設の窓口へお問い合わせください。ご利用ありがとうございました。",
    "transfer": "担当の職員におつなぎします。そのまま、しばらくお待ちください。",
    "callback_goodbye": ("ただいま職員におつなぎできません。担当の職員から、あらためてご連絡いたします。"
                         "お電話ありがとうございました。"),
    "staff_will_contact": "担当の職員から、あらためてご連絡いたします。",
    "transfer_unanswered": ("申し訳ありません。ただいま職員が応答できません。"
                            "担当の職員から、あらためてご連絡いたします。"),
    "whisper": "一時預かり予約の電話からの転送です。おつなぎする場合は1を押してください。",
    "no_input": "ご入力が確認できませんでした。",
    "no_input_goodbye": "ご入力が確認できませんでしたので、お電話を終了いたします。またおかけ直しください。",
    "invalid": "恐れ入りますが、そのご入力はお受けできません。",
    "invalid_birthdate": "恐れ入りますが、生年月日として受け付けられませんでした。",
    "invalid_date": "恐れ入りますが、日付として受け付けられませんでした。",
    "invalid_booking_number": "恐れ入りますが、予約番号は6けたから8けたの数字です。",
    "too_many_tries": "恐れ入りますが、お電話を終了いたします。またおかけ直しください。",
    "goodbye": "お電話ありがとうございました。失礼いたします。",
    "goodbye@sms": "ご利用ありがとうございました。",
    "sms_welcome": "一時預かりのご予約をSMSで承ります。終わるときは「終了」と送ってください。For English, reply EN.",
    "sms_ended": "終了しました。ご利用ありがとうございました。",
    # The line is busy (an opening-day rush): said before the language menu, so short and in both languages.
    "busy.offer": "ただいま電話が大変混み合っております。職員からの折り返しをご希望のかたは、1を押してください。",
    "busy.callback_taken": "承りました。職員から、この番号に折り返しお電話いたします。失礼いたします。",
    "busy.no_number": ("番号が通知されていないため、折り返しができません。"
                       "恐れ入りますが、時間をおいておかけ直しください。"),
    "busy.goodbye": "恐れ入りますが、時間をおいておかけ直しください。",
}
