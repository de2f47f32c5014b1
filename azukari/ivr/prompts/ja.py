"""日本語のプロンプト (the Japanese catalogue). Polite, short enough for a phone."""
from __future__ import annotations

# `ask.<step>` is the question of a step; `key@sms` is the wording for a text message.
# Prompts never carry a date of an existing booking, a booking number or a phone number.
# A call says the question first and its options after; the keys that work at every step
# (0 職員, * くり返し, # ゆっくり) are said once, after the language (`keys_help`).
MESSAGES: dict[str, str] = {
    "welcome": "一時預かりの予約受付です。",
    # The language menu (§5.1): each catalogue's own line, said by voice.py in that language's voice.
    "language.self": "日本語は1を押してください。",
    "keys_help": "いつでも職員は0、くり返しは米印、ゆっくりはシャープです。",
    "ask.id_choice": "世帯IDと暗証番号があれば1、なければ2を押してください。",
    "ask.household_id": "世帯IDとシャープを押してください。",
    "ask.pin": "暗証番号とシャープを押してください。",
    "ask.child_name": "お子さまのフルネームをお話しください。",
    "ask.child_name@sms": "お子さまのお名前をフルネームで送ってください。",
    "ask.birthdate": "お子さまの生年月日を西暦8けたで押すかお話しください。",
    "ask.birthdate@sms": "お子さまの生年月日を送ってください。(例: 2024/5/1)",
    "ask.address": "ご登録の住所をお話しください。",
    "ask.address@sms": "ご登録の住所を送ってください。",
    "ask.guardian_name": "保護者のお名前をお話しください。",
    "ask.guardian_name@sms": "保護者のかたのお名前をフルネームで送ってください。",
    "ask.menu": "予約は1、取消は2、予約一覧は3、ごきょうだいの予約は4を押してください。",
    "ask.menu@sms": ("番号を送ってください。\n1 予約する\n2 予約を取り消す(取消 予約番号 でも可)\n"
                     "3 予約の一覧をご登録の番号へSMSで送る\n4 ごきょうだいの予約\n0 職員から連絡を受ける"),
    "menu_again@sms": "次のご用件の番号を送ってください。(メニューで一覧)",
    "ask.date": "ご希望の月日を4けたで押すかお話しください。",
    "ask.date@sms": "ご希望の日を送ってください。(例: 12/3、あした、来週水曜)",
    "day_heading": "{date}ですね。",
    "day_heading@sms": "{date}の空き",
    "facility_group": "{date}、空きのある{suffix}を番号でお選びください。",
    "unit_heading": "{facility}ですね。",
    "choice.facility": "{label}",
    "choice.unit": "{label}",
    "choice.option": "{facility} {starts}-{ends}",
    "press": "{label}は{number}。",
    "ask.facility": "番号を押してください。",
    "ask.unit": "",
    "ask.options": "番号を送ってください。",
    "confirm_summary": "{date}、{time}、{facility}、料金{fee}です。",
    "ask.confirm": "予約は1、選び直しは2を押してください。",
    "ask.confirm@sms": "この内容で予約する場合は「はい」、選び直す場合は「いいえ」と送ってください。",
    "booked": "予約しました。SMSでお送りします。",
    "ask.next": "続けて予約は1、ごきょうだいの予約は4、終了は9を押してください。",
    "ask.next@sms": "続けて予約する場合は1、終わる場合は9を送ってください。",
    "choose_again": "かしこまりました。",
    "cannot_book": ("申し訳ありません。この日時はご予約できませんでした。別の日を選ぶか、"
                    "0で職員にご相談ください。職員の受付は{hours}です。"),
    "cannot_book@sms": ("申し訳ありません。この日時はご予約できませんでした。別の日を選ぶか、"
                        "0を送ると職員からご連絡します。"),
    "refusal.closed": "申し訳ありません。その日は休業日です。",
    "refusal.full": "申し訳ありません。その日は空きがありません。",
    "refusal.expired_registration": ("申し訳ありません。その日はご登録の有効期間を過ぎています。"
                                     "登録の更新は、各施設の窓口で承ります。"),
    "choice.wait": "満員の時間のキャンセル待ち",
    "refusal.full_wait": "申し訳ありません。その日は満員です。キャンセル待ちをお受けできます。",
    "waitlist_heading": "キャンセル待ちができる時間をご案内します。",
    "choice.full": "{facility}、{time}",
    "choice.full_option": "{facility} {starts}-{ends} キャンセル待ち",
    "ask.waitlist": "キャンセル待ちをする時間の番号を押してください。別の日は9です。",
    "waitlist_summary": "{date}、{time}、{facility}のキャンセル待ちです。",
    "ask.waitlist_confirm": "キャンセル待ちは1、選び直しは2を押してください。",
    "ask.waitlist_confirm@sms": "キャンセル待ちをする場合は「はい」、選び直す場合は「いいえ」と送ってください。",
    "waiting_taken": ("キャンセル待ちを承りました。空きが出ましたら、ご登録の番号へお知らせします。"
                      "お知らせのコードを、この窓口のメニューで5に続けて押すと、ご予約になります。"),
    "ask.cancel_ref": "取り消す予約番号とシャープを押してください。予約番号は確認のSMSにあります。",
    "ask.cancel_ref@sms": "取り消すご予約の予約番号を送ってください。",
    "ask.cancel_confirm": "取り消すなら1、取り消さないなら2を押してください。",
    "ask.cancel_confirm@sms": "取り消す場合は「はい」、取り消さない場合は「いいえ」と送ってください。",
    "cancel_requested": "承りました。結果はSMSでお知らせします。",
    "cancel_kept": "取り消しは行いませんでした。",
    "bookings_sent": "予約の一覧を、SMSでお送りします。",
    "verified": "確認しました。",
    "sibling_which": "ごきょうだいのご予約ですね。",
    "sibling_chosen": "そのお子さまのご予約を承ります。",
    "no_sibling": "恐れ入りますが、その生年月日のお子さまは、このご家庭に登録がありません。",
    "failed_goodbye@sms": "職員の受付は{hours}です。お近くの施設の窓口でもご相談いただけます。",
    "transfer": "職員におつなぎします。そのまま、お待ちください。",
    "callback": ("ただいま職員におつなぎできません。職員から、あらためてご連絡いたします。"
                 "職員の受付は{hours}です。"),
    "callback@sms": "承りました。職員から、あらためてご連絡いたします。職員の受付は{hours}です。",
    "trouble": "お答えを確認できませんでした。",
    "transfer_unanswered": ("申し訳ありません。ただいま職員が応答できません。"
                            "担当の職員から、あらためてご連絡いたします。"),
    "whisper": "一時預かり予約の電話からの転送です。おつなぎする場合は1を押してください。",
    "no_input": "ご入力が確認できませんでした。",
    "invalid": "恐れ入りますが、そのご入力はお受けできません。",
    "invalid_birthdate": "恐れ入りますが、生年月日として受け付けられませんでした。",
    "invalid_date": "恐れ入りますが、日付として受け付けられませんでした。",
    "invalid_booking_number": "恐れ入りますが、予約番号は6けたから8けたの数字です。",
    "too_many_tries": "恐れ入りますが、お電話を終了いたします。",
    "goodbye": "お電話ありがとうございました。",
    "goodbye@sms": "ご利用ありがとうございました。",
    "sms_welcome": ("一時預かりのご予約をSMSで承ります。終わるときは「終了」、職員へは「職員」と送ってください。"
                    "For English, reply EN. 中文请回复ZH。한국어는 KO를 보내 주세요."),
    "sms_ended": "終了しました。ご利用ありがとうございました。",
    # The line is busy (an opening-day rush): said before the language menu, so short and in both languages.
    "busy.offer": "ただいま電話が大変混み合っております。職員からの折り返しをご希望のかたは、1を押してください。",
    "busy.callback_taken": "承りました。職員から、この番号に折り返しお電話いたします。失礼いたします。",
    "busy.no_number": ("番号が通知されていないため、折り返しができません。"
                       "恐れ入りますが、時間をおいておかけ直しください。"),
    "busy.goodbye": "恐れ入りますが、時間をおいておかけ直しください。",
    "ask.offer_code": "空き枠のお知らせにある、4けたのコードを押してください。",
    # Staff cannot be reached now and the caller's number is unknown (withheld): no call back is promised.
    "staff_hours": ("ただいま職員におつなぎできません。職員の受付は{hours}です。"
                    "その時間にお電話いただき、0を押してください。"),
    # A call's menu and `next` for a household with one child (no siblings choice), and the menu after a
    # cancel or a list, where 9 ends the call (§5.1).
    "ask.menu_one": "予約は1、取消は2、予約一覧は3を押してください。",
    "ask.menu_end": "予約は1、取消は2、予約一覧は3、ごきょうだいの予約は4、終了は9を押してください。",
    "ask.menu_one_end": "予約は1、取消は2、予約一覧は3、終了は9を押してください。",
    "ask.next_one": "続けて予約は1、終了は9を押してください。",
    # A household whose number on file takes no SMS hears back by call (§6): a call never speaks of SMS.
    "booked_call": "予約しました。お電話でお知らせします。",
    "cancel_requested_call": "承りました。結果はお電話でお知らせします。",
    "bookings_sent_call": "予約の一覧を、お電話でお知らせします。",
    "ask.cancel_ref_call": "取り消す予約番号とシャープを押してください。予約番号は確認のお電話でお伝えしています。",
    # The facility question when `facility_group` has asked it already (Japanese names the common kind once).
    "ask.facility_grouped": "",
    # The SMS menu of a household with one child: no siblings line (as `ask.menu_one` on a call).
    "ask.menu_one@sms": ("番号を送ってください。\n1 予約する\n2 予約を取り消す(取消 予約番号 でも可)\n"
                         "3 予約の一覧をご登録の番号へSMSで送る\n0 職員から連絡を受ける"),
}
