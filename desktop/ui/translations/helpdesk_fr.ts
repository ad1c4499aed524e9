<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr_FR">
<context>
    <name>ActionPanel</name>
    <message>
        <location filename="../action_panel.py" line="36"/>
        <source>Account</source>
        <translation>Compte</translation>
    </message>
    <message>
        <location filename="../action_panel.py" line="37"/>
        <source>Code from the e-mail</source>
        <translation>Code reçu par e-mail</translation>
    </message>
    <message>
        <location filename="../action_panel.py" line="38"/>
        <source>New password</source>
        <translation>Nouveau mot de passe</translation>
    </message>
    <message>
        <location filename="../action_panel.py" line="39"/>
        <source>The same again</source>
        <translation>Le même, encore une fois</translation>
    </message>
    <message>
        <location filename="../action_panel.py" line="46"/>
        <source>&amp;Send me a code</source>
        <translation>&amp;Envoyez-moi un code</translation>
    </message>
    <message>
        <location filename="../action_panel.py" line="47"/>
        <source>&amp;Confirm</source>
        <translation>&amp;Confirmer</translation>
    </message>
    <message>
        <location filename="../action_panel.py" line="64"/>
        <source>A code will be sent to the e-mail address the directory holds for this account.</source>
        <translation>Un code sera envoyé à l&apos;adresse e-mail que l&apos;annuaire connaît pour ce compte.</translation>
    </message>
    <message>
        <location filename="../action_panel.py" line="78"/>
        <source>The helpdesk server cannot be reached right now: try again later, or open a ticket.</source>
        <translation>Le serveur du support est injoignable pour le moment : réessayez plus tard, ou ouvrez un ticket.</translation>
    </message>
    <message>
        <location filename="../action_panel.py" line="85"/>
        <source>Type the account&apos;s login.</source>
        <translation>Saisissez l&apos;identifiant du compte.</translation>
    </message>
    <message>
        <location filename="../action_panel.py" line="88"/>
        <source>Sending the code…</source>
        <translation>Envoi du code…</translation>
    </message>
    <message>
        <location filename="../action_panel.py" line="94"/>
        <source>the account&apos;s e-mail address, if it exists</source>
        <translation>l&apos;adresse e-mail du compte, s&apos;il existe</translation>
    </message>
    <message>
        <location filename="../action_panel.py" line="95"/>
        <source>A code was sent to %s. It is valid for %d minutes.</source>
        <translation>Un code a été envoyé à %s. Il est valable %d minutes.</translation>
    </message>
    <message>
        <location filename="../action_panel.py" line="109"/>
        <source>Type the code from the e-mail.</source>
        <translation>Saisissez le code reçu par e-mail.</translation>
    </message>
    <message>
        <location filename="../action_panel.py" line="112"/>
        <source>The two passwords differ.</source>
        <translation>Les deux mots de passe sont différents.</translation>
    </message>
    <message>
        <location filename="../action_panel.py" line="122"/>
        <source>Done.</source>
        <translation>C&apos;est fait.</translation>
    </message>
</context>
<context>
    <name>AnnouncementBanner</name>
    <message>
        <location filename="../announcements.py" line="55"/>
        <source>Previous announcement</source>
        <translation>Annonce précédente</translation>
    </message>
    <message>
        <location filename="../announcements.py" line="56"/>
        <source>Next announcement</source>
        <translation>Annonce suivante</translation>
    </message>
    <message>
        <location filename="../announcements.py" line="81"/>
        <source>Announcement: %s</source>
        <translation>Annonce : %s</translation>
    </message>
    <message>
        <location filename="../announcements.py" line="89"/>
        <source>%1 of %2</source>
        <translation>%1 sur %2</translation>
    </message>
</context>
<context>
    <name>BookingWindow</name>
    <message>
        <location filename="../booking_view.py" line="72"/>
        <source>Book a helpdesk appointment</source>
        <translation>Prendre rendez-vous avec le support</translation>
    </message>
    <message>
        <location filename="../booking_view.py" line="73"/>
        <source>Pick a time; the helpdesk will call you or meet you there.</source>
        <translation>Choisissez un horaire ; le support vous appellera ou vous recevra.</translation>
    </message>
    <message>
        <location filename="../booking_view.py" line="74"/>
        <source>Free slots</source>
        <translation>Créneaux libres</translation>
    </message>
    <message>
        <location filename="../booking_view.py" line="75"/>
        <source>How can we reach you? (phone or e-mail)</source>
        <translation>Comment vous joindre ? (téléphone ou e-mail)</translation>
    </message>
    <message>
        <location filename="../booking_view.py" line="76"/>
        <source>Contact</source>
        <translation>Contact</translation>
    </message>
    <message>
        <location filename="../booking_view.py" line="77"/>
        <source>What is it about?</source>
        <translation>De quoi s&apos;agit-il ?</translation>
    </message>
    <message>
        <location filename="../booking_view.py" line="78"/>
        <source>Topic</source>
        <translation>Sujet</translation>
    </message>
    <message>
        <location filename="../booking_view.py" line="79"/>
        <source>&amp;Book</source>
        <translation>&amp;Réserver</translation>
    </message>
    <message>
        <location filename="../booking_view.py" line="80"/>
        <source>Add to &amp;calendar</source>
        <translation>Ajouter au &amp;calendrier</translation>
    </message>
    <message>
        <location filename="../booking_view.py" line="81"/>
        <source>Ca&amp;ncel the appointment</source>
        <translation>A&amp;nnuler le rendez-vous</translation>
    </message>
    <message>
        <location filename="../booking_view.py" line="99"/>
        <source>%1, %2–%3 (%4)</source>
        <translation>%1, %2–%3 (%4)</translation>
    </message>
    <message>
        <location filename="../booking_view.py" line="103"/>
        <source>1 place left</source>
        <translation>1 place restante</translation>
    </message>
    <message>
        <location filename="../booking_view.py" line="103"/>
        <source>%1 places left</source>
        <translation>%1 places restantes</translation>
    </message>
    <message>
        <location filename="../booking_view.py" line="114"/>
        <source>✓ Booked: %1</source>
        <translation>✓ Réservé : %1</translation>
    </message>
    <message>
        <location filename="../booking_view.py" line="118"/>
        <source>Say how the helpdesk can reach you (phone or e-mail).</source>
        <translation>Indiquez comment le support peut vous joindre (téléphone ou e-mail).</translation>
    </message>
    <message>
        <location filename="../booking_view.py" line="119"/>
        <source>This slot was just taken — pick another one.</source>
        <translation>Ce créneau vient d&apos;être pris — choisissez-en un autre.</translation>
    </message>
    <message>
        <location filename="../booking_view.py" line="120"/>
        <source>This slot has already started — pick a later one.</source>
        <translation>Ce créneau a déjà commencé — choisissez-en un plus tard.</translation>
    </message>
    <message>
        <location filename="../booking_view.py" line="121"/>
        <source>You already have a place in this slot (booked with this phone number or e-mail).</source>
        <translation>Vous avez déjà une place sur ce créneau (réservée avec ce numéro de téléphone ou cet e-mail).</translation>
    </message>
    <message>
        <location filename="../booking_view.py" line="123"/>
        <source>This slot is no longer offered — pick another one.</source>
        <translation>Ce créneau n&apos;est plus proposé — choisissez-en un autre.</translation>
    </message>
    <message>
        <location filename="../booking_view.py" line="124"/>
        <source>This computer already has three upcoming appointments — cancel one to book another.</source>
        <translation>Cet ordinateur a déjà trois rendez-vous à venir — annulez-en un pour en prendre un autre.</translation>
    </message>
    <message>
        <location filename="../booking_view.py" line="126"/>
        <source>The helpdesk&apos;s booking service cannot be reached right now; try again in a few minutes.</source>
        <translation>Le service de rendez-vous du support est injoignable pour le moment ; réessayez dans quelques minutes.</translation>
    </message>
    <message>
        <location filename="../booking_view.py" line="128"/>
        <source>The helpdesk&apos;s booking service did not accept this computer; please tell IT or call the helpdesk.</source>
        <translation>Le service de rendez-vous du support n&apos;a pas accepté cet ordinateur ; prévenez l&apos;informatique ou appelez le support.</translation>
    </message>
    <message>
        <location filename="../booking_view.py" line="138"/>
        <source>Appointments are not available on this computer.</source>
        <translation>Les rendez-vous ne sont pas disponibles sur cet ordinateur.</translation>
    </message>
    <message>
        <location filename="../booking_view.py" line="140"/>
        <source>Loading free slots…</source>
        <translation>Chargement des créneaux libres…</translation>
    </message>
    <message>
        <location filename="../booking_view.py" line="160"/>
        <source>No free slot at the moment.</source>
        <translation>Aucun créneau libre pour le moment.</translation>
    </message>
    <message>
        <location filename="../booking_view.py" line="196"/>
        <source>That did not work; try again, or call the helpdesk.</source>
        <translation>Cela n&apos;a pas fonctionné ; réessayez, ou appelez le support.</translation>
    </message>
    <message>
        <location filename="../booking_view.py" line="199"/>
        <source>Helpdesk: %1</source>
        <translation>Support : %1</translation>
    </message>
    <message>
        <location filename="../booking_view.py" line="212"/>
        <source>Booking…</source>
        <translation>Réservation…</translation>
    </message>
    <message>
        <location filename="../booking_view.py" line="222"/>
        <source>You already had this appointment: %1.</source>
        <translation>Vous aviez déjà ce rendez-vous : %1.</translation>
    </message>
    <message>
        <location filename="../booking_view.py" line="223"/>
        <source>Booked for %1.</source>
        <translation>Réservé pour le %1.</translation>
    </message>
    <message>
        <location filename="../booking_view.py" line="237"/>
        <source>Helpdesk appointment</source>
        <translation>Rendez-vous avec le support</translation>
    </message>
    <message>
        <location filename="../booking_view.py" line="240"/>
        <source>The calendar file could not be saved in %1.</source>
        <translation>Le fichier de calendrier n&apos;a pas pu être enregistré dans %1.</translation>
    </message>
    <message>
        <location filename="../booking_view.py" line="243"/>
        <source>Opened in your calendar app (also saved as %1).</source>
        <translation>Ouvert dans votre application de calendrier (également enregistré sous %1).</translation>
    </message>
    <message>
        <location filename="../booking_view.py" line="245"/>
        <source>No app on this computer opened the calendar file. It is saved as %1: open it from your calendar (Import).</source>
        <translation>Aucune application de cet ordinateur n&apos;a ouvert le fichier de calendrier. Il est enregistré sous %1 : ouvrez-le depuis votre calendrier (Importer).</translation>
    </message>
    <message>
        <location filename="../booking_view.py" line="257"/>
        <location filename="../booking_view.py" line="258"/>
        <source>Appointment cancelled.</source>
        <translation>Rendez-vous annulé.</translation>
    </message>
</context>
<context>
    <name>ChatWindow</name>
    <message>
        <location filename="../chat.py" line="148"/>
        <source>Ask IT — Helpdesk Assistant</source>
        <translation>Demander à l&apos;informatique — Assistant support</translation>
    </message>
    <message>
        <location filename="../chat.py" line="149"/>
        <source>Describe your problem in your own words…</source>
        <translation>Décrivez votre problème avec vos mots…</translation>
    </message>
    <message>
        <location filename="../chat.py" line="150"/>
        <source>Your question</source>
        <translation>Votre question</translation>
    </message>
    <message>
        <location filename="../chat.py" line="151"/>
        <source>&amp;Ask</source>
        <translation>&amp;Demander</translation>
    </message>
    <message>
        <location filename="../chat.py" line="152"/>
        <source>Answer</source>
        <translation>Réponse</translation>
    </message>
    <message>
        <location filename="../chat.py" line="153"/>
        <source>Did you mean:</source>
        <translation>Vouliez-vous dire :</translation>
    </message>
    <message>
        <location filename="../chat.py" line="154"/>
        <location filename="../chat.py" line="268"/>
        <source>&amp;Start the guided steps</source>
        <translation>&amp;Commencer le pas-à-pas</translation>
    </message>
    <message>
        <location filename="../chat.py" line="335"/>
        <source>Was this helpful?</source>
        <translation>Est-ce que cela vous a aidé ?</translation>
    </message>
    <message>
        <location filename="../chat.py" line="156"/>
        <source>&amp;Yes</source>
        <translation>&amp;Oui</translation>
    </message>
    <message>
        <location filename="../chat.py" line="157"/>
        <source>&amp;No</source>
        <translation>&amp;Non</translation>
    </message>
    <message>
        <location filename="../chat.py" line="158"/>
        <source>Yes, this was helpful</source>
        <translation>Oui, cela m&apos;a aidé</translation>
    </message>
    <message>
        <location filename="../chat.py" line="159"/>
        <source>No, this did not help</source>
        <translation>Non, cela ne m&apos;a pas aidé</translation>
    </message>
    <message>
        <location filename="../chat.py" line="160"/>
        <source>Open a &amp;ticket</source>
        <translation>Ouvrir un &amp;ticket</translation>
    </message>
    <message>
        <location filename="../chat.py" line="165"/>
        <location filename="../chat.py" line="435"/>
        <source>I&apos;m a&amp;ffected too</source>
        <translation>Je suis aussi &amp;concerné</translation>
    </message>
    <message>
        <location filename="../chat.py" line="166"/>
        <source>You are offline. Answers and guided steps still work; tickets wait on this computer and are sent when you are back online.</source>
        <translation>Vous êtes hors ligne. Les réponses et le pas-à-pas fonctionnent ; les tickets attendent sur cet ordinateur et partiront au retour de la connexion.</translation>
    </message>
    <message>
        <location filename="../chat.py" line="195"/>
        <source>Getting ready…</source>
        <translation>Préparation…</translation>
    </message>
    <message>
        <location filename="../chat.py" line="197"/>
        <source>Type your IT question: answers appear as you type.</source>
        <translation>Posez votre question informatique : les réponses s&apos;affichent pendant la saisie.</translation>
    </message>
    <message>
        <location filename="../chat.py" line="201"/>
        <source>The knowledge base cannot be opened: %s</source>
        <translation>La base de connaissances ne peut pas être ouverte : %s</translation>
    </message>
    <message>
        <location filename="../chat.py" line="250"/>
        <source>Sorry, something went wrong: %s</source>
        <translation>Désolé, une erreur s&apos;est produite : %s</translation>
    </message>
    <message>
        <location filename="../chat.py" line="272"/>
        <source>I can fill in this request with you and send it to the helpdesk.</source>
        <translation>Je peux remplir cette demande avec vous et l&apos;envoyer au support.</translation>
    </message>
    <message>
        <location filename="../chat.py" line="273"/>
        <source>I can walk you through this step by step.</source>
        <translation>Je peux vous guider pas à pas.</translation>
    </message>
    <message>
        <location filename="../chat.py" line="275"/>
        <location filename="../chat.py" line="280"/>
        <location filename="../chat.py" line="391"/>
        <source>&amp;Fill in the request</source>
        <translation>&amp;Remplir la demande</translation>
    </message>
    <message>
        <location filename="../chat.py" line="283"/>
        <source>I can put you through to someone at the helpdesk: they will see what you asked and what I suggested.</source>
        <translation>Je peux vous mettre en relation avec quelqu&apos;un du support : il verra ce que vous avez demandé et ce que je vous ai proposé.</translation>
    </message>
    <message>
        <location filename="../chat.py" line="291"/>
        <source>None of these — open a ticket</source>
        <translation>Aucun de ceux-ci — ouvrir un ticket</translation>
    </message>
    <message>
        <location filename="../chat.py" line="318"/>
        <source>Back to the &amp;chat with the helpdesk</source>
        <translation>Revenir à la &amp;discussion avec le support</translation>
    </message>
    <message>
        <location filename="../chat.py" line="319"/>
        <source>&amp;Chat with the helpdesk</source>
        <translation>&amp;Discuter avec le support</translation>
    </message>
    <message>
        <location filename="../chat.py" line="337"/>
        <source>Glad it helped!</source>
        <translation>Ravi d&apos;avoir pu aider !</translation>
    </message>
    <message>
        <location filename="../chat.py" line="339"/>
        <source>Sorry. Try other words, or open a ticket: the helpdesk will see what you already tried.</source>
        <translation>Désolé. Essayez d&apos;autres mots, ou ouvrez un ticket : le support verra ce que vous avez déjà essayé.</translation>
    </message>
    <message>
        <location filename="../chat.py" line="435"/>
        <source>Thanks, we counted you</source>
        <translation>Merci, c&apos;est noté</translation>
    </message>
</context>
<context>
    <name>ContextLabels</name>
    <message>
        <location filename="../resources.py" line="36"/>
        <source>Computer name</source>
        <translation>Nom de l&apos;ordinateur</translation>
    </message>
    <message>
        <location filename="../resources.py" line="37"/>
        <source>Operating system</source>
        <translation>Système d&apos;exploitation</translation>
    </message>
    <message>
        <location filename="../resources.py" line="38"/>
        <source>IP address</source>
        <translation>Adresse IP</translation>
    </message>
    <message>
        <location filename="../resources.py" line="39"/>
        <source>Free disk space</source>
        <translation>Espace disque libre</translation>
    </message>
    <message>
        <location filename="../resources.py" line="40"/>
        <source>Time since restart</source>
        <translation>Temps depuis le redémarrage</translation>
    </message>
    <message>
        <location filename="../resources.py" line="41"/>
        <source>Helpdesk Assistant version</source>
        <translation>Version de l&apos;Assistant support</translation>
    </message>
    <message>
        <location filename="../resources.py" line="42"/>
        <source>Knowledge base version</source>
        <translation>Version de la base de connaissances</translation>
    </message>
</context>
<context>
    <name>DonePage</name>
    <message>
        <location filename="../ticket_summary.py" line="165"/>
        <source>Ask &amp;another question</source>
        <translation>Poser une &amp;autre question</translation>
    </message>
    <message>
        <location filename="../ticket_summary.py" line="174"/>
        <source>Ticket %s created. The helpdesk will get back to you; follow it in My tickets.</source>
        <translation>Ticket %s créé. Le support vous répondra ; suivez-le dans Mes tickets.</translation>
    </message>
    <message>
        <location filename="../ticket_summary.py" line="177"/>
        <source>Ticket saved — queued, will be sent as soon as the helpdesk can be reached.</source>
        <translation>Ticket enregistré — en attente, il sera envoyé dès que le support sera joignable.</translation>
    </message>
    <message>
        <location filename="../ticket_summary.py" line="179"/>
        <source>The helpdesk refused the ticket: %s</source>
        <translation>Le support a refusé le ticket : %s</translation>
    </message>
    <message>
        <location filename="../ticket_summary.py" line="183"/>
        <source>The ticket could not be filed: %s</source>
        <translation>Le ticket n&apos;a pas pu être créé : %s</translation>
    </message>
</context>
<context>
    <name>FallbackWindow</name>
    <message>
        <location filename="../fallback.py" line="35"/>
        <source>Helpdesk Assistant</source>
        <translation>Assistant support</translation>
    </message>
    <message>
        <location filename="../fallback.py" line="36"/>
        <source>This desktop has no system tray, so Helpdesk Assistant runs in this window instead. Closing it quits the assistant.</source>
        <translation>Ce bureau n&apos;a pas de zone de notification : l&apos;Assistant support s&apos;ouvre donc dans cette fenêtre. La fermer quitte l&apos;assistant.</translation>
    </message>
    <message>
        <location filename="../fallback.py" line="40"/>
        <source>The knowledge base cannot be opened: %s</source>
        <translation>La base de connaissances ne peut pas être ouverte : %s</translation>
    </message>
    <message>
        <location filename="../fallback.py" line="42"/>
        <source>You are offline: answers still work, tickets will wait.</source>
        <translation>Vous êtes hors ligne : les réponses fonctionnent, les tickets attendront.</translation>
    </message>
    <message numerus="yes">
        <location filename="../fallback.py" line="44"/>
        <source>%n ticket update(s)</source>
        <translation>
            <numerusform>%n mise à jour de ticket</numerusform>
            <numerusform>%n mises à jour de tickets</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../fallback.py" line="47"/>
        <source>&amp;Ask IT…</source>
        <translation>&amp;Demander à l&apos;informatique…</translation>
    </message>
    <message>
        <location filename="../fallback.py" line="48"/>
        <source>&amp;My tickets</source>
        <translation>&amp;Mes tickets</translation>
    </message>
    <message>
        <location filename="../fallback.py" line="49"/>
        <source>&amp;Settings…</source>
        <translation>&amp;Paramètres…</translation>
    </message>
    <message>
        <location filename="../fallback.py" line="50"/>
        <source>&amp;Quit</source>
        <translation>&amp;Quitter</translation>
    </message>
</context>
<context>
    <name>FileField</name>
    <message>
        <location filename="../form.py" line="39"/>
        <source>Choose…</source>
        <translation>Choisir…</translation>
    </message>
    <message>
        <location filename="../form.py" line="47"/>
        <source>Take a screenshot</source>
        <translation>Faire une capture d&apos;écran</translation>
    </message>
    <message>
        <location filename="../form.py" line="54"/>
        <source>Attach a file</source>
        <translation>Joindre un fichier</translation>
    </message>
</context>
<context>
    <name>FormPage</name>
    <message>
        <location filename="../form.py" line="97"/>
        <source>&amp;Review and send…</source>
        <translation>&amp;Vérifier et envoyer…</translation>
    </message>
    <message>
        <location filename="../form.py" line="98"/>
        <source>&amp;Cancel</source>
        <translation>&amp;Annuler</translation>
    </message>
    <message>
        <location filename="../form.py" line="107"/>
        <source>Subject (one line)</source>
        <translation>Objet (une ligne)</translation>
    </message>
    <message>
        <location filename="../form.py" line="108"/>
        <source>What happened?</source>
        <translation>Que s&apos;est-il passé ?</translation>
    </message>
    <message>
        <location filename="../form.py" line="109"/>
        <source>Screenshot or file (optional)</source>
        <translation>Capture d&apos;écran ou fichier (facultatif)</translation>
    </message>
    <message>
        <location filename="../form.py" line="118"/>
        <source>Tell the helpdesk what is wrong. You will see everything before it is sent.</source>
        <translation>Expliquez au support ce qui ne va pas. Vous verrez tout avant l&apos;envoi.</translation>
    </message>
    <message>
        <location filename="../form.py" line="210"/>
        <source>Required</source>
        <translation>Obligatoire</translation>
    </message>
    <message>
        <location filename="../form.py" line="210"/>
        <source>File not found</source>
        <translation>Fichier introuvable</translation>
    </message>
    <message>
        <location filename="../form.py" line="211"/>
        <source>Too long</source>
        <translation>Trop long</translation>
    </message>
</context>
<context>
    <name>HelpdeskWords</name>
    <message>
        <location filename="../helpdesk_words.py" line="20"/>
        <source>queued — will be sent</source>
        <translation>en attente — sera envoyé</translation>
    </message>
    <message>
        <location filename="../helpdesk_words.py" line="21"/>
        <source>refused</source>
        <translation>refusé</translation>
    </message>
    <message>
        <location filename="../helpdesk_words.py" line="22"/>
        <source>new</source>
        <translation>nouveau</translation>
    </message>
    <message>
        <location filename="../helpdesk_words.py" line="23"/>
        <source>in progress</source>
        <translation>en cours</translation>
    </message>
    <message>
        <location filename="../helpdesk_words.py" line="24"/>
        <source>waiting</source>
        <translation>en attente</translation>
    </message>
    <message>
        <location filename="../helpdesk_words.py" line="25"/>
        <source>resolved</source>
        <translation>résolu</translation>
    </message>
    <message>
        <location filename="../helpdesk_words.py" line="26"/>
        <source>closed</source>
        <translation>fermé</translation>
    </message>
    <message>
        <location filename="../helpdesk_words.py" line="27"/>
        <source>rejected</source>
        <translation>rejeté</translation>
    </message>
    <message>
        <location filename="../helpdesk_words.py" line="28"/>
        <source>deleted</source>
        <translation>supprimé</translation>
    </message>
    <message>
        <location filename="../helpdesk_words.py" line="30"/>
        <source>Something went wrong while talking to the helpdesk. Try again later.</source>
        <translation>Une erreur s&apos;est produite en échangeant avec le support. Réessayez plus tard.</translation>
    </message>
    <message>
        <location filename="../helpdesk_words.py" line="31"/>
        <source>The helpdesk connection is not set up on this computer; please tell IT.</source>
        <translation>La connexion au support n&apos;est pas configurée sur cet ordinateur ; prévenez l&apos;informatique.</translation>
    </message>
    <message>
        <location filename="../helpdesk_words.py" line="32"/>
        <source>The helpdesk did not accept this user name or password.</source>
        <translation>Le support n&apos;a pas accepté ce nom d&apos;utilisateur ou ce mot de passe.</translation>
    </message>
    <message>
        <location filename="../helpdesk_words.py" line="33"/>
        <source>Sign in to the helpdesk (Settings → Helpdesk account).</source>
        <translation>Connectez-vous au support (Paramètres → Compte du support).</translation>
    </message>
    <message>
        <location filename="../helpdesk_words.py" line="34"/>
        <source>Your helpdesk account is not allowed to do this; please tell IT.</source>
        <translation>Votre compte du support n&apos;a pas le droit de faire cela ; prévenez l&apos;informatique.</translation>
    </message>
    <message>
        <location filename="../helpdesk_words.py" line="35"/>
        <source>The helpdesk does not know this ticket (any more).</source>
        <translation>Le support ne connaît pas (ou plus) ce ticket.</translation>
    </message>
    <message>
        <location filename="../helpdesk_words.py" line="36"/>
        <source>The helpdesk is busy; the app tries again in a moment.</source>
        <translation>Le support est occupé ; l&apos;application réessaie dans un instant.</translation>
    </message>
    <message>
        <location filename="../helpdesk_words.py" line="37"/>
        <source>The helpdesk cannot be reached right now.</source>
        <translation>Le support est injoignable pour le moment.</translation>
    </message>
    <message>
        <location filename="../helpdesk_words.py" line="38"/>
        <source>The helpdesk did not answer in time.</source>
        <translation>Le support n&apos;a pas répondu à temps.</translation>
    </message>
    <message>
        <location filename="../helpdesk_words.py" line="39"/>
        <source>The helpdesk gave an answer the app does not understand; please tell IT.</source>
        <translation>Le support a donné une réponse que l&apos;application ne comprend pas ; prévenez l&apos;informatique.</translation>
    </message>
    <message>
        <location filename="../helpdesk_words.py" line="40"/>
        <source>The helpdesk refused this request; please tell IT.</source>
        <translation>Le support a refusé cette demande ; prévenez l&apos;informatique.</translation>
    </message>
    <message>
        <location filename="../helpdesk_words.py" line="41"/>
        <source>The system keyring could not keep or read your password.</source>
        <translation>Le trousseau du système n&apos;a pas pu conserver ou lire votre mot de passe.</translation>
    </message>
</context>
<context>
    <name>LiveChatPage</name>
    <message>
        <location filename="../live_chat_view.py" line="104"/>
        <source>Share my computer&apos;s details with the agent (name, system, network, free disk)</source>
        <translation>Partager les informations de mon ordinateur avec le technicien (nom, système, réseau, espace disque)</translation>
    </message>
    <message>
        <location filename="../live_chat_view.py" line="105"/>
        <location filename="../live_chat_view.py" line="196"/>
        <source>&amp;Start the chat</source>
        <translation>&amp;Démarrer la discussion</translation>
    </message>
    <message>
        <location filename="../live_chat_view.py" line="106"/>
        <source>&amp;Book a call back</source>
        <translation>Être &amp;rappelé</translation>
    </message>
    <message>
        <location filename="../live_chat_view.py" line="107"/>
        <source>Open a &amp;ticket instead</source>
        <translation>Ouvrir un &amp;ticket à la place</translation>
    </message>
    <message>
        <location filename="../live_chat_view.py" line="108"/>
        <source>Write to the helpdesk…</source>
        <translation>Écrivez au support…</translation>
    </message>
    <message>
        <location filename="../live_chat_view.py" line="109"/>
        <source>Your message to the helpdesk</source>
        <translation>Votre message au support</translation>
    </message>
    <message>
        <location filename="../live_chat_view.py" line="110"/>
        <source>S&amp;end</source>
        <translation>&amp;Envoyer</translation>
    </message>
    <message>
        <location filename="../live_chat_view.py" line="111"/>
        <source>E&amp;nd the chat</source>
        <translation>&amp;Terminer la discussion</translation>
    </message>
    <message>
        <location filename="../live_chat_view.py" line="112"/>
        <source>Back to the &amp;answers</source>
        <translation>Revenir aux &amp;réponses</translation>
    </message>
    <message>
        <location filename="../live_chat_view.py" line="113"/>
        <source>&amp;New question</source>
        <translation>&amp;Nouvelle question</translation>
    </message>
    <message>
        <location filename="../live_chat_view.py" line="114"/>
        <source>Conversation with the helpdesk</source>
        <translation>Discussion avec le support</translation>
    </message>
    <message>
        <location filename="../live_chat_view.py" line="155"/>
        <source>Live chat is not set up on this computer.</source>
        <translation>La discussion en direct n&apos;est pas configurée sur cet ordinateur.</translation>
    </message>
    <message>
        <location filename="../live_chat_view.py" line="156"/>
        <source>You can open a ticket, or call the helpdesk: %s</source>
        <translation>Vous pouvez ouvrir un ticket, ou appeler le support : %s</translation>
    </message>
    <message>
        <location filename="../live_chat_view.py" line="157"/>
        <source>You can open a ticket instead.</source>
        <translation>Vous pouvez ouvrir un ticket à la place.</translation>
    </message>
    <message>
        <location filename="../live_chat_view.py" line="164"/>
        <source>The helpdesk chat is closed now.</source>
        <translation>La discussion avec le support est fermée en ce moment.</translation>
    </message>
    <message>
        <location filename="../live_chat_view.py" line="165"/>
        <source>It opens again %s. Until then you can book a call back or open a ticket: nothing you wrote is lost.</source>
        <translation>Elle rouvre %s. D&apos;ici là, vous pouvez demander à être rappelé ou ouvrir un ticket : rien de ce que vous avez écrit n&apos;est perdu.</translation>
    </message>
    <message>
        <location filename="../live_chat_view.py" line="167"/>
        <source>You can book a call back or open a ticket instead.</source>
        <translation>Vous pouvez demander à être rappelé ou ouvrir un ticket à la place.</translation>
    </message>
    <message>
        <location filename="../live_chat_view.py" line="170"/>
        <source>Chat with someone at the helpdesk</source>
        <translation>Discuter avec quelqu&apos;un du support</translation>
    </message>
    <message>
        <location filename="../live_chat_view.py" line="171"/>
        <source>An agent will see your question, what I suggested and the steps you tried. Checking who is available…</source>
        <translation>Le technicien verra votre question, ce que je vous ai proposé et les étapes déjà essayées. Recherche d&apos;un technicien disponible…</translation>
    </message>
    <message>
        <location filename="../live_chat_view.py" line="183"/>
        <source>today at %s</source>
        <translation>aujourd&apos;hui à %s</translation>
    </message>
    <message>
        <location filename="../live_chat_view.py" line="193"/>
        <source>An agent will see your question, what I suggested and the steps you tried.</source>
        <translation>Le technicien verra votre question, ce que je vous ai proposé et les étapes déjà essayées.</translation>
    </message>
    <message>
        <location filename="../live_chat_view.py" line="199"/>
        <source>No agent is free right now. You can book a call back, open a ticket, or wait in the queue for the next agent.</source>
        <translation>Aucun technicien n&apos;est libre en ce moment. Vous pouvez demander à être rappelé, ouvrir un ticket, ou attendre le prochain technicien.</translation>
    </message>
    <message>
        <location filename="../live_chat_view.py" line="201"/>
        <source>&amp;Wait in the queue</source>
        <translation>&amp;Attendre mon tour</translation>
    </message>
    <message>
        <location filename="../live_chat_view.py" line="207"/>
        <source>The helpdesk chat cannot be reached right now.</source>
        <translation>La discussion avec le support est injoignable pour le moment.</translation>
    </message>
    <message>
        <location filename="../live_chat_view.py" line="208"/>
        <source>You can book a call back or open a ticket: it is sent as soon as you are back online.</source>
        <translation>Vous pouvez demander à être rappelé ou ouvrir un ticket : il sera envoyé dès que vous serez de nouveau en ligne.</translation>
    </message>
    <message>
        <location filename="../live_chat_view.py" line="214"/>
        <source>Nobody can say yet how long the wait is.</source>
        <translation>Impossible de dire pour l&apos;instant combien de temps durera l&apos;attente.</translation>
    </message>
    <message>
        <location filename="../live_chat_view.py" line="227"/>
        <source>Connecting you to the helpdesk…</source>
        <translation>Mise en relation avec le support…</translation>
    </message>
    <message>
        <location filename="../live_chat_view.py" line="258"/>
        <source>%s is typing…</source>
        <translation>%s écrit…</translation>
    </message>
    <message>
        <location filename="../live_chat_view.py" line="258"/>
        <source>The agent</source>
        <translation>Le technicien</translation>
    </message>
    <message>
        <location filename="../live_chat_view.py" line="275"/>
        <source>Connection lost: reconnecting… Your messages wait and are sent then.</source>
        <translation>Connexion perdue : reconnexion… Vos messages attendent et partiront à ce moment-là.</translation>
    </message>
    <message numerus="yes">
        <location filename="../live_chat_view.py" line="280"/>
        <source>Waiting for an agent: you are number %n in the queue.</source>
        <translation>
            <numerusform>En attente d&apos;un technicien : vous êtes n° %n dans la file.</numerusform>
            <numerusform>En attente d&apos;un technicien : vous êtes n° %n dans la file.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../live_chat_view.py" line="283"/>
        <source>You are chatting with %s from the helpdesk.</source>
        <translation>Vous discutez avec %s du support.</translation>
    </message>
    <message>
        <location filename="../live_chat_view.py" line="284"/>
        <source>an agent</source>
        <translation>un technicien</translation>
    </message>
    <message>
        <location filename="../live_chat_view.py" line="288"/>
        <location filename="../live_chat_view.py" line="341"/>
        <source>The conversation has ended.</source>
        <translation>La discussion est terminée.</translation>
    </message>
    <message>
        <location filename="../live_chat_view.py" line="290"/>
        <source>You left the queue.</source>
        <translation>Vous avez quitté la file d&apos;attente.</translation>
    </message>
    <message>
        <location filename="../live_chat_view.py" line="297"/>
        <source>Nobody is free yet. You can keep waiting, or book a call back or open a ticket instead (the conversation so far goes with it).</source>
        <translation>Personne n&apos;est encore libre. Vous pouvez continuer d&apos;attendre, ou demander à être rappelé ou ouvrir un ticket à la place (la discussion jusqu&apos;ici l&apos;accompagne).</translation>
    </message>
    <message>
        <location filename="../live_chat_view.py" line="327"/>
        <source>sending…</source>
        <translation>envoi…</translation>
    </message>
    <message>
        <location filename="../live_chat_view.py" line="338"/>
        <source>%s joined the conversation</source>
        <translation>%s a rejoint la discussion</translation>
    </message>
    <message>
        <location filename="../live_chat_view.py" line="339"/>
        <source>Your conversation was passed to another team; please wait.</source>
        <translation>Votre discussion a été transmise à une autre équipe ; merci de patienter.</translation>
    </message>
    <message>
        <location filename="../live_chat_view.py" line="340"/>
        <source>%s now has your conversation</source>
        <translation>%s a maintenant votre discussion</translation>
    </message>
    <message>
        <location filename="../live_chat_view.py" line="327"/>
        <location filename="../live_chat_view.py" line="347"/>
        <source>You</source>
        <translation>Vous</translation>
    </message>
    <message>
        <location filename="../live_chat_view.py" line="218"/>
        <source>One person is waiting before you.</source>
        <translation>Une personne attend avant vous.</translation>
    </message>
    <message numerus="yes">
        <location filename="../live_chat_view.py" line="219"/>
        <source>%n people are waiting before you.</source>
        <translation>
            <numerusform>%n personne attend avant vous.</numerusform>
            <numerusform>%n personnes attendent avant vous.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../live_chat_view.py" line="220"/>
        <source>An agent should answer within a minute.</source>
        <translation>Un technicien devrait répondre d&apos;ici une minute.</translation>
    </message>
    <message numerus="yes">
        <location filename="../live_chat_view.py" line="221"/>
        <source>An agent should answer in about %n minutes.</source>
        <translation>
            <numerusform>Un technicien devrait répondre d&apos;ici %n minute environ.</numerusform>
            <numerusform>Un technicien devrait répondre d&apos;ici %n minutes environ.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../live_chat_view.py" line="279"/>
        <source>Waiting for an agent: you are next.</source>
        <translation>En attente d&apos;un technicien : vous êtes le prochain.</translation>
    </message>
    <message>
        <location filename="../live_chat_view.py" line="344"/>
        <source>The helpdesk keeps this conversation in ticket #%s.</source>
        <translation>Le support garde cette discussion dans le ticket n° %s.</translation>
    </message>
    <message>
        <location filename="../live_chat_view.py" line="347"/>
        <source>Helpdesk</source>
        <translation>Support</translation>
    </message>
    <message>
        <location filename="../live_chat_view.py" line="353"/>
        <source>an article</source>
        <translation>un article</translation>
    </message>
    <message>
        <location filename="../live_chat_view.py" line="353"/>
        <source>guided steps</source>
        <translation>un pas-à-pas</translation>
    </message>
    <message>
        <location filename="../live_chat_view.py" line="353"/>
        <source>a form</source>
        <translation>un formulaire</translation>
    </message>
    <message>
        <location filename="../live_chat_view.py" line="354"/>
        <source>a call back booking</source>
        <translation>une demande de rappel</translation>
    </message>
    <message>
        <location filename="../live_chat_view.py" line="355"/>
        <source>sent you %s:</source>
        <translation>vous a envoyé %s :</translation>
    </message>
    <message>
        <location filename="../live_chat_view.py" line="360"/>
        <source>Open the article: %s</source>
        <translation>Ouvrir l&apos;article : %s</translation>
    </message>
    <message>
        <location filename="../live_chat_view.py" line="360"/>
        <source>Start the guided steps: %s</source>
        <translation>Démarrer le pas-à-pas : %s</translation>
    </message>
    <message>
        <location filename="../live_chat_view.py" line="361"/>
        <source>Fill in: %s</source>
        <translation>Remplir : %s</translation>
    </message>
    <message>
        <location filename="../live_chat_view.py" line="361"/>
        <source>Book a call back</source>
        <translation>Être rappelé</translation>
    </message>
    <message>
        <location filename="../live_chat_view.py" line="362"/>
        <source>the ticket form</source>
        <translation>le formulaire de ticket</translation>
    </message>
</context>
<context>
    <name>LiveLink</name>
    <message>
        <location filename="../live_link.py" line="84"/>
        <source>The helpdesk</source>
        <translation>Le support</translation>
    </message>
    <message>
        <location filename="../live_link.py" line="85"/>
        <source>sent you something to open</source>
        <translation>vous a envoyé quelque chose à ouvrir</translation>
    </message>
    <message>
        <location filename="../live_link.py" line="86"/>
        <source>%s answered in the chat</source>
        <translation>%s vous a répondu</translation>
    </message>
</context>
<context>
    <name>OutageNotice</name>
    <message>
        <location filename="../announcements.py" line="111"/>
        <source>⚠ Known problem right now: %s</source>
        <translation>⚠ Problème connu en ce moment : %s</translation>
    </message>
</context>
<context>
    <name>SettingsWindow</name>
    <message>
        <location filename="../settings_view.py" line="68"/>
        <source>Settings — Helpdesk Assistant</source>
        <translation>Paramètres — Assistant support</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="70"/>
        <source>&amp;User name:</source>
        <translation>&amp;Nom d&apos;utilisateur :</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="71"/>
        <source>&amp;Password or token:</source>
        <translation>&amp;Mot de passe ou jeton :</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="69"/>
        <source>Helpdesk account</source>
        <translation>Compte du support</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="72"/>
        <source>&amp;Sign in</source>
        <translation>Se &amp;connecter</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="73"/>
        <source>User name</source>
        <translation>Nom d&apos;utilisateur</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="74"/>
        <source>Password or token</source>
        <translation>Mot de passe ou jeton</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="75"/>
        <source>Language</source>
        <translation>Langue</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="76"/>
        <source>Share anonymous usage &amp;statistics</source>
        <translation>Partager des &amp;statistiques d&apos;utilisation anonymes</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="77"/>
        <source>&amp;Language:</source>
        <translation>&amp;Langue :</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="78"/>
        <source>Start at &amp;login</source>
        <translation>Lancer à l&apos;&amp;ouverture de session</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="79"/>
        <source>&amp;Close</source>
        <translation>&amp;Fermer</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="83"/>
        <source>System language</source>
        <translation>Langue du système</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="102"/>
        <source>No helpdesk account is set up on this computer; ask IT.</source>
        <translation>Aucun compte du support n&apos;est configuré sur cet ordinateur ; contactez l&apos;informatique.</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="141"/>
        <source>This computer has no secure keyring: the password is kept until you quit the app, not saved.</source>
        <translation>Cet ordinateur n&apos;a pas de trousseau sécurisé : le mot de passe est gardé jusqu&apos;à ce que vous quittiez l&apos;application, sans être enregistré.</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="145"/>
        <source>The password is kept in the system keyring.</source>
        <translation>Le mot de passe est conservé dans le trousseau du système.</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="151"/>
        <source>Sign-in failed: %s</source>
        <translation>Échec de la connexion : %s</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="109"/>
        <source>Your organisation has turned statistics off.</source>
        <translation>Votre organisation a désactivé les statistiques.</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="119"/>
        <location filename="../settings_view.py" line="138"/>
        <source>Signed in as %s.</source>
        <translation>Connecté en tant que %s.</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="121"/>
        <source>Not signed in. Enter your helpdesk user name and password, then press Enter.</source>
        <translation>Non connecté. Saisissez votre nom d&apos;utilisateur et votre mot de passe du support, puis appuyez sur Entrée.</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="130"/>
        <source>Enter your user name and your password or token.</source>
        <translation>Saisissez votre nom d&apos;utilisateur et votre mot de passe ou jeton.</translation>
    </message>
    <message>
        <location filename="../settings_view.py" line="133"/>
        <source>Checking…</source>
        <translation>Vérification…</translation>
    </message>
</context>
<context>
    <name>SummaryPage</name>
    <message>
        <location filename="../ticket_summary.py" line="95"/>
        <source>&amp;Send to the helpdesk</source>
        <translation>&amp;Envoyer au support</translation>
    </message>
    <message>
        <location filename="../ticket_summary.py" line="96"/>
        <source>← &amp;Edit</source>
        <translation>← &amp;Modifier</translation>
    </message>
    <message>
        <location filename="../ticket_summary.py" line="97"/>
        <source>What you already tried, sent with the ticket (untick what is not about this problem):</source>
        <translation>Ce que vous avez déjà essayé, envoyé avec le ticket (décochez ce qui ne concerne pas ce problème) :</translation>
    </message>
    <message>
        <location filename="../ticket_summary.py" line="99"/>
        <source>Details about this computer sent with the ticket (untick what you do not want to share):</source>
        <translation>Informations sur cet ordinateur envoyées avec le ticket (décochez ce que vous ne voulez pas partager) :</translation>
    </message>
    <message>
        <location filename="../ticket_summary.py" line="101"/>
        <source>Ticket summary</source>
        <translation>Résumé du ticket</translation>
    </message>
    <message>
        <location filename="../ticket_summary.py" line="112"/>
        <source>**Attached:** %s</source>
        <translation>**Pièces jointes :** %s</translation>
    </message>
</context>
<context>
    <name>TicketsWindow</name>
    <message>
        <location filename="../tickets_view.py" line="98"/>
        <source>My tickets — Helpdesk Assistant</source>
        <translation>Mes tickets — Assistant support</translation>
    </message>
    <message>
        <location filename="../tickets_view.py" line="99"/>
        <source>Number</source>
        <translation>Numéro</translation>
    </message>
    <message>
        <location filename="../tickets_view.py" line="99"/>
        <source>Subject</source>
        <translation>Objet</translation>
    </message>
    <message>
        <location filename="../tickets_view.py" line="99"/>
        <source>Status</source>
        <translation>État</translation>
    </message>
    <message>
        <location filename="../tickets_view.py" line="100"/>
        <source>Last update</source>
        <translation>Dernière mise à jour</translation>
    </message>
    <message>
        <location filename="../tickets_view.py" line="101"/>
        <source>Your tickets</source>
        <translation>Vos tickets</translation>
    </message>
    <message>
        <location filename="../tickets_view.py" line="102"/>
        <source>&amp;Conversation with the helpdesk:</source>
        <translation>&amp;Conversation avec le support :</translation>
    </message>
    <message>
        <location filename="../tickets_view.py" line="103"/>
        <source>Conversation with the helpdesk</source>
        <translation>Conversation avec le support</translation>
    </message>
    <message>
        <location filename="../tickets_view.py" line="104"/>
        <source>Select a ticket to see its conversation.</source>
        <translation>Sélectionnez un ticket pour voir sa conversation.</translation>
    </message>
    <message>
        <location filename="../tickets_view.py" line="105"/>
        <source>Reply to the selected ticket…</source>
        <translation>Répondre au ticket sélectionné…</translation>
    </message>
    <message>
        <location filename="../tickets_view.py" line="106"/>
        <source>Reply</source>
        <translation>Réponse</translation>
    </message>
    <message>
        <location filename="../tickets_view.py" line="107"/>
        <source>Send &amp;reply</source>
        <translation>Envoyer la &amp;réponse</translation>
    </message>
    <message>
        <location filename="../tickets_view.py" line="108"/>
        <source>Re&amp;fresh</source>
        <translation>Actua&amp;liser</translation>
    </message>
    <message>
        <location filename="../tickets_view.py" line="109"/>
        <source>&amp;Chat with the helpdesk about it</source>
        <translation>&amp;Discuter de ce ticket avec le support</translation>
    </message>
    <message>
        <location filename="../tickets_view.py" line="110"/>
        <source>&amp;Sign in…</source>
        <translation>Se &amp;connecter…</translation>
    </message>
    <message>
        <location filename="../tickets_view.py" line="111"/>
        <source>Sign in to the helpdesk</source>
        <translation>Se connecter au support</translation>
    </message>
    <message>
        <location filename="../tickets_view.py" line="112"/>
        <source>No tickets yet. Ask IT from the tray; if the answer does not help, you can open a ticket from there.</source>
        <translation>Aucun ticket pour l&apos;instant. Posez votre question depuis la barre des tâches ; si la réponse ne suffit pas, vous pourrez ouvrir un ticket.</translation>
    </message>
    <message>
        <location filename="../tickets_view.py" line="159"/>
        <source>Tickets as of %s (helpdesk unreachable)</source>
        <translation>État des tickets à %s (support injoignable)</translation>
    </message>
    <message>
        <location filename="../tickets_view.py" line="171"/>
        <source>waiting for your manager&apos;s approval</source>
        <translation>en attente de l&apos;accord de votre responsable</translation>
    </message>
    <message>
        <location filename="../tickets_view.py" line="172"/>
        <source>waiting for approval by %s</source>
        <translation>en attente de l&apos;accord de %s</translation>
    </message>
    <message>
        <location filename="../tickets_view.py" line="197"/>
        <source>Sign in to the helpdesk (Settings → Helpdesk account) to send your tickets and follow the helpdesk&apos;s answers.</source>
        <translation>Connectez-vous au support (Paramètres → Compte du support) pour envoyer vos tickets et suivre les réponses du support.</translation>
    </message>
    <message>
        <location filename="../tickets_view.py" line="204"/>
        <source>Queued tickets will be sent as soon as it answers.</source>
        <translation>Les tickets en attente seront envoyés dès qu&apos;il répondra.</translation>
    </message>
    <message>
        <location filename="../tickets_view.py" line="217"/>
        <source>This ticket has not reached the helpdesk yet.</source>
        <translation>Ce ticket n&apos;est pas encore parvenu au support.</translation>
    </message>
    <message>
        <location filename="../tickets_view.py" line="234"/>
        <source>Helpdesk — %s</source>
        <translation>Support — %s</translation>
    </message>
    <message>
        <location filename="../tickets_view.py" line="234"/>
        <source>Helpdesk</source>
        <translation>Support</translation>
    </message>
    <message>
        <location filename="../tickets_view.py" line="235"/>
        <source>You</source>
        <translation>Vous</translation>
    </message>
    <message>
        <location filename="../tickets_view.py" line="237"/>
        <source>No messages yet.</source>
        <translation>Aucun message pour l&apos;instant.</translation>
    </message>
    <message>
        <location filename="../tickets_view.py" line="253"/>
        <source>Reply sent.</source>
        <translation>Réponse envoyée.</translation>
    </message>
</context>
<context>
    <name>TrayIcon</name>
    <message>
        <location filename="../tray.py" line="38"/>
        <source>Ask IT…</source>
        <translation>Demander à l&apos;informatique…</translation>
    </message>
    <message numerus="yes">
        <location filename="../tray.py" line="40"/>
        <source>My tickets (%n new)</source>
        <translation>
            <numerusform>Mes tickets (%n nouveau)</numerusform>
            <numerusform>Mes tickets (%n nouveaux)</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../tray.py" line="40"/>
        <source>My tickets</source>
        <translation>Mes tickets</translation>
    </message>
    <message>
        <location filename="../tray.py" line="43"/>
        <source>Book a helpdesk appointment…</source>
        <translation>Prendre rendez-vous avec le support…</translation>
    </message>
    <message>
        <location filename="../tray.py" line="47"/>
        <source>Settings…</source>
        <translation>Paramètres…</translation>
    </message>
    <message>
        <location filename="../tray.py" line="48"/>
        <source>Quit</source>
        <translation>Quitter</translation>
    </message>
    <message>
        <location filename="../tray.py" line="61"/>
        <source>Helpdesk Assistant</source>
        <translation>Assistant support</translation>
    </message>
    <message numerus="yes">
        <location filename="../tray.py" line="63"/>
        <source>%n ticket update(s)</source>
        <translation>
            <numerusform>%n mise à jour de ticket</numerusform>
            <numerusform>%n mises à jour de tickets</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../tray.py" line="65"/>
        <source>offline</source>
        <translation>hors ligne</translation>
    </message>
    <message>
        <location filename="../tray.py" line="77"/>
        <source>Ticket updated</source>
        <translation>Ticket mis à jour</translation>
    </message>
    <message>
        <location filename="../tray.py" line="85"/>
        <source>New reply from the helpdesk</source>
        <translation>Nouvelle réponse du support</translation>
    </message>
</context>
<context>
    <name>TreePage</name>
    <message>
        <location filename="../tree_view.py" line="67"/>
        <source>It &amp;works now</source>
        <translation>Ça &amp;marche maintenant</translation>
    </message>
    <message>
        <location filename="../tree_view.py" line="68"/>
        <source>S&amp;till not working</source>
        <translation>&amp;Toujours en panne</translation>
    </message>
    <message>
        <location filename="../tree_view.py" line="69"/>
        <source>← &amp;Back</source>
        <translation>← &amp;Retour</translation>
    </message>
    <message>
        <location filename="../tree_view.py" line="70"/>
        <source>Back to the previous step</source>
        <translation>Revenir à l&apos;étape précédente</translation>
    </message>
    <message>
        <location filename="../tree_view.py" line="71"/>
        <source>Open a &amp;ticket</source>
        <translation>Ouvrir un &amp;ticket</translation>
    </message>
    <message>
        <location filename="../tree_view.py" line="72"/>
        <source>Step</source>
        <translation>Étape</translation>
    </message>
    <message>
        <location filename="../tree_view.py" line="83"/>
        <source>This step cannot be shown: %s</source>
        <translation>Cette étape ne peut pas être affichée : %s</translation>
    </message>
    <message>
        <location filename="../tree_view.py" line="140"/>
        <source>Checking…</source>
        <translation>Vérification…</translation>
    </message>
    <message>
        <location filename="../tree_view.py" line="158"/>
        <source>Glad it is fixed!</source>
        <translation>Content que ce soit réglé !</translation>
    </message>
    <message>
        <location filename="../tree_view.py" line="160"/>
        <source>Sorry this did not solve it. Open a ticket and the helpdesk will see the steps you already tried.</source>
        <translation>Désolé, cela n&apos;a pas suffi. Ouvrez un ticket : le support verra les étapes déjà essayées.</translation>
    </message>
</context>
</TS>
